"""The How it works lesson (core.lesson): W learns to join pictures to captions, comes near the
closed-form fit of the same pairs (ridge regression) and far above guessing, and the same seed gives
the same W."""

from __future__ import annotations

import numpy as np
import pytest

from core.cli import main
from core.lesson.dataset import every_scene, make_dataset
from core.lesson.train import Config, Lesson, gradient, loss_of


@pytest.fixture(scope="module")
def lesson() -> Lesson:
    return Lesson.build(pairs=120, seed=3)


def test_the_pairs_are_drawn_on_the_spot_and_held_out_captions_are_new() -> None:
    data = make_dataset(60, seed=1)
    assert len(data.train) == 48 and len(data.test) == 12
    assert {p.caption for p in data.train}.isdisjoint(p.caption for p in data.test)
    first = data.train[0]
    assert first.caption == first.scene.caption and first.image.size == (64, 64)
    assert first.scene.colour in first.caption and first.scene.thing in first.caption
    assert len(every_scene()) == 8 * 6 * 3 * 3
    night, day = (next(p for p in data.train if p.scene.time == t) for t in ("at night", "by day"))
    assert np.asarray(night.image).mean() < np.asarray(day.image).mean()  # the sky says the time


@pytest.mark.parametrize("loss,optimiser", [("cosine", "adam"), ("mse", "sgd")])
def test_training_lowers_the_loss_and_comes_near_the_closed_form_fit(lesson, loss, optimiser) -> None:
    """The fair baseline is the same linear map fitted in closed form on the same pairs (ridge
    regression); W trained by gradient descent must come near it, far above guessing. (PCA of
    each side alone never sees the pairs: at chance by construction, it proves nothing here.)"""
    trained = lesson.run(Config(loss=loss, optimiser=optimiser, epochs=25))
    first, last = trained.epochs[0], trained.epochs[-1]
    assert last.loss < 0.7 * first.loss and last.test_loss < first.test_loss
    assert len(trained.epochs) == 25
    w, ridge, pca_ls = trained.retrieval, lesson.ridge(), lesson.pca_least_squares()
    assert w.pairs == ridge.pairs == pca_ls.pairs == 24
    assert ridge.top1 > 10 * w.chance1 and pca_ls.top1 > 10 * w.chance1  # both baselines align the two sides
    # measured: ridge (α 100 by cross-validation) 0.83 / 1.0, PCA-16 + least squares 0.79 / 1.0;
    # W 0.79 / 0.96 (cosine, Adam), 0.71 / 0.96 (MSE, SGD)
    assert w.top1 >= ridge.top1 - 0.2 and w.top5 >= ridge.top5 - 0.1
    assert w.top1 > 10 * w.chance1


def test_the_same_seed_gives_the_same_w_and_another_seed_another(lesson) -> None:
    a, b = lesson.run(Config(epochs=3, seed=7)), lesson.run(Config(epochs=3, seed=7))
    assert np.array_equal(a.W, b.W) and a.epochs == b.epochs and a.retrieval == b.retrieval
    assert not np.array_equal(a.W, lesson.run(Config(epochs=3, seed=8)).W)
    again = Lesson.build(pairs=120, seed=3)
    assert np.array_equal(again.x_train, lesson.x_train) and np.array_equal(again.y_test, lesson.y_test)


@pytest.mark.parametrize("loss", ["cosine", "mse"])
def test_the_hand_written_backpropagation_is_the_slope_of_the_loss(loss) -> None:
    rng = np.random.default_rng(0)
    x, y, w = rng.normal(size=(5, 7)), rng.normal(size=(5, 3)), rng.normal(size=(3, 7))
    numeric = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        step = np.zeros_like(w)
        step[index] = 1e-6
        numeric[index] = (loss_of(loss, w + step, x, y) - loss_of(loss, w - step, x, y)) / 2e-6
    assert np.allclose(gradient(loss, w, x, y), numeric, atol=1e-6)


def test_captions_nearest_to_a_picture(lesson) -> None:
    trained = lesson.run(Config(epochs=25))
    pair = lesson.data.train[0]
    nearest = lesson.nearest_captions(pair.image, trained.W)
    assert len(nearest) == 5 and [s for _, s in nearest] == sorted((s for _, s in nearest), reverse=True)
    assert pair.caption in [c for c, _ in nearest]
    assert lesson.guesses(trained.W)[0] in {p.caption for p in lesson.data.test}


def test_bad_choices_are_refused_plainly() -> None:
    for bad in ({"loss": "hinge"}, {"optimiser": "rmsprop"}, {"epochs": 0}, {"lr": -1.0}):
        with pytest.raises(ValueError):
            Config(**bad)
    assert Config(optimiser="sgd").rate == 0.5 and Config(lr=0.1).rate == 0.1


def test_the_command_line_prints_the_curve_and_the_scores(capsys) -> None:
    assert main(["lesson", "--pairs", "60", "--epochs", "4", "--loss", "mse", "--optimiser", "sgd"]) == 0
    out = capsys.readouterr().out
    assert out.count("epoch ") == 4 and "held-out loss" in out
    assert "W (mse, sgd, lr 0.5, 4 epochs): top-1" in out and "PCA (each side alone, no pairs): top-1" in out
    assert main(["lesson", "--lr", "0"]) == 2
    assert "learning rate" in capsys.readouterr().err
