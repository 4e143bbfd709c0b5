"""The How it works page: its text is kept, and the live lesson below it trains W on the page and
shows real figures (W well above PCA and guessing), retrains as asked, and reads a photo."""

from __future__ import annotations

from tests.test_app_flow import _app, _page, _texts


def _percent(text: str) -> int:
    return int(text.split("%")[0])


def test_the_lesson_trains_w_on_the_page_and_shows_its_accuracy(data_dir, cat_bytes) -> None:
    at = _page(_app(), "pages/how_it_works.py")
    assert "From a photo to a printed book" in _texts(at)  # the page's own text stays
    metrics = {m.label: m.value for m in at.metric}
    top1, top5, pca = (
        metrics[k] for k in ("W: right caption first (top-1)", "W: in the first five (top-5)", "PCA: top-1")
    )
    assert _percent(top1) >= 60 and _percent(top5) >= 90 and _percent(pca) <= 10, metrics
    assert "This W: cosine loss, Adam, step size 0.003, 30 epochs" in _texts(at)

    at.radio(key="lesson_loss").set_value("mse")
    at.radio(key="lesson_optimiser").set_value("sgd")
    at.button(key="lesson_train").click().run()
    assert not at.exception, at.exception
    assert "This W: mse loss, SGD, step size 0.5, 30 epochs" in _texts(at)
    assert _percent(at.metric[0].value) > _percent(at.metric[2].value)

    at.file_uploader(key="lesson_photo").set_value(("cat.jpg", cat_bytes, "image/jpeg")).run()
    assert not at.exception, at.exception
    (nearest,) = at.dataframe
    assert len(nearest.value) == 5 and list(nearest.value.columns) == ["caption", "closeness (cosine)"]
