"""How the studio works, for a person who wonders what each engine does; below it, a live lesson
on how the AI sees a photo (`core.lesson`): every figure on it is computed here, on the page."""

import pandas as pd
import streamlit as st

from core import studio
from core.errors import StudioError
from core.lesson.dataset import every_scene
from core.lesson.features import loaded_tower
from core.lesson.show import heatmap
from core.lesson.train import DEFAULT_LR, Config, Lesson
from core.photo import load_photo
from pages import _nav, _ui

_nav.begin(_nav.HOW_IT_WORKS)
st.markdown("""
**From a photo to a printed book, with you at every step.**

1. **Photo**: upload one (or pick a sample). It is turned upright, scaled down if huge, and the
   original is kept as you uploaded it.
2. **Caption**: the vision engine describes the photo. Edit it: the story is written from your words.
3. **Story settings**: length, audience, genre, tone, art style, page shape and language.
4. **Draft**: the writer writes the story, its title and one key scene per page. Edit anything,
   ask for revisions, enlarge it, compare drafts and go back to any of them.
5. **Pictures**: each key scene becomes a picture prompt. Make new versions, pick one, reuse a seed.
6. **Upscale**: enlarge the pictures you picked.
7. **Translate** (optional) and **Export**: a PDF with a QR code that downloads it on a phone.

**Three kinds of engine** (choose per step in Settings):

- *Offline* (the default): no GPU, no key, no network. Captions come from classical photo
  analysis (colours, light, faces, cats and people found by OpenCV's detectors); stories from a
  seeded story grammar; pictures put the subject of *your photo*, cut out, into a scene painted
  for each page (park, forest, river, street, room, beach, snow, night sky), drawn in the story's
  art style. Honest and predictable: the same seed gives the same result. It cannot follow
  free-text instructions or translate.
- *Local models* on a GPU: LLaVA for captions, an instruction-tuned language model for the story,
  Stable Diffusion XL base + refiner for pictures, a diffusion upscaler. Each is loaded once and
  shared by everyone: LLaVA and the writer in 4-bit where bitsandbytes is installed, the picture
  models in 16-bit; the sidebar shows what each one was actually loaded as, where, and how much memory it takes.
- *Remote*: any OpenAI-compatible server (OpenAI, vLLM, Ollama, LM Studio, llama.cpp) and DeepL.

Everything is saved as it changes; the Library lists every story, and a story's link (`?story=…`)
reopens it anywhere this studio is reachable.
""")
_nav.link(_nav.PHOTO, "Start with a photo")

st.divider()
st.header("How the AI sees a photo: a live lesson")
st.markdown("""
A picture model turns a photo into a long list of numbers, **x**. A word model reads its own kind
of numbers, **y**. They were trained apart, so their numbers mean different things, like two
languages. LLaVA (the local model that writes captions here) joins them with **one table of
numbers, W**: it multiplies x by W, and the answer, **W·x**, should land right next to the y of
the words that describe the picture. W is not a brain or a neural network: it is just a table,
and it learns by looking at pictures *together with* their captions. Try it below.
""")

LR_CHOICES = [0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 2.0]


@st.cache_resource(show_spinner="Drawing the pictures and turning them into numbers…", max_entries=4)
def _lesson(pairs: int, seed: int) -> Lesson:
    """The pairs and their numbers, made once per choice and shared (never changed after). Read
    through LLaVA's tower they are made on each run instead: a cached copy would keep the model in
    memory after the model manager unloads it."""
    return Lesson.build(pairs, seed)


st.subheader("1. Pictures and their captions")
left, right = st.columns(2)
pairs = left.slider("How many pictures to draw", 60, len(every_scene()), 240, step=12, key="lesson_pairs")
left.caption("The computer draws them right now: shapes and animals, in a colour, at a place, at a time of day.")
seed = right.number_input("Dice number (seed)", 0, 9999, 0, key="lesson_seed")
right.caption("The same dice number always gives the same pictures and the same result.")
settings = _ui.settings()
tower = loaded_tower(_ui.model_manager(), settings) if settings.vision == "local" else None
source = "classical"
if tower is not None:
    use_tower = st.toggle("Read the pictures with LLaVA's own eyes (its vision tower)", key="lesson_tower")
    st.caption(
        "LLaVA is loaded, so the pictures can be turned into numbers by the very part of LLaVA that looks at "
        "your photos, instead of by counting colours and edges."
    )
    source = f"tower:{settings.model_vision}" if use_tower else source
lesson = _lesson(int(pairs), int(seed)) if source == "classical" else Lesson.build(int(pairs), int(seed), images=tower)
shown = lesson.data.train[:8]
for column, pair in zip(st.columns(8), shown):
    column.image(pair.image, caption=pair.caption, width="stretch", alt=f"A drawn {pair.caption}")
st.caption(
    f"{len(lesson.data.train)} pairs to learn from, and {len(lesson.data.test)} held-out pairs that W never "
    "sees while it learns: their captions are new mixes (a *purple fish at sunset* it has never seen), "
    "so W has to put together what it learnt about purple, fish and sunset."
)

st.subheader("2. Numbers for pictures and for words")
pictures_read = (
    "the colours of a 4×4 grid, which colours there are, and which way the edges point (*HOG*, a histogram "
    "of oriented gradients)"
    if source == "classical"
    else "what LLaVA's vision tower sees in it (the average of its last layer)"
)
st.markdown(
    f"Each picture becomes **{lesson.x_train.shape[1]} numbers** (x): {pictures_read}. "
    f"Each caption becomes **{lesson.y_train.shape[1]} numbers** (y): its words and word pairs, each "
    "dropped into a numbered box, rare words weighing more than common ones like *a* (*TF-IDF*). "
    f"So W is a table of {lesson.y_train.shape[1]} × {lesson.x_train.shape[1]} numbers."
)

st.subheader("3. Train W")
c1, c2, c3, c4 = st.columns(4)
loss = c1.radio(
    "How to measure a miss (loss)", ["cosine", "mse"], key="lesson_loss", horizontal=True,
    format_func={"cosine": "cosine", "mse": "MSE"}.get,
)  # fmt: skip
c1.caption(
    "Cosine: do W·x and y point the same way? MSE: how far apart are they, squared? Training makes this number smaller."
)
optimiser = c2.radio(
    "How to take steps (optimiser)", ["adam", "sgd"], key="lesson_optimiser", horizontal=True,
    format_func={"adam": "Adam", "sgd": "SGD"}.get,
)  # fmt: skip
c2.caption(
    "SGD walks downhill with steps of one size. Adam remembers where it was going and makes each "
    "number's step its own size."
)
lr = c3.select_slider(
    "Step size (learning rate)", LR_CHOICES, value=DEFAULT_LR[optimiser], key=f"lesson_lr_{optimiser}"
)
c3.caption("Too small and W learns slowly; too big and it jumps past the answer and the loss wobbles.")
epochs = c4.slider("How many times to look at every pair (epochs)", 1, 200, 30, key="lesson_epochs")
c4.caption("Each look nudges W a little, by *backpropagation*: which way should each number move to shrink the loss?")

data_key = (int(pairs), int(seed), source)
config = Config(loss=loss, optimiser=optimiser, lr=float(lr), epochs=int(epochs), seed=int(seed))
previous = st.session_state.get("lesson_trained")
train_now = st.button("Train W", type="primary", key="lesson_train")
chart = st.empty()


def _draw_curve(epochs_seen) -> None:
    curve = pd.DataFrame(
        {
            "pairs it learns from": [e.loss for e in epochs_seen],
            "held-out pairs": [e.test_loss for e in epochs_seen],
        },
        index=pd.Index([e.epoch for e in epochs_seen], name="epoch"),
    )
    chart.line_chart(curve, x_label="epoch", y_label=f"loss ({loss})", height=260)


if train_now or previous is None or previous[0] != data_key:
    seen = []
    steps = lesson.train(config)
    every = -(-config.epochs // 12)  # the chart is redrawn about 12 times while W learns
    while True:
        try:
            seen.append(next(steps))
        except StopIteration as done:
            trained = done.value
            break
        if len(seen) % every == 0:
            _draw_curve(seen)
    st.session_state["lesson_trained"] = (data_key, trained)
else:
    trained = previous[1]
_draw_curve(trained.epochs)
done_with = trained.config
st.caption(
    f"This W: {done_with.loss} loss, {done_with.optimiser.upper() if done_with.optimiser == 'sgd' else 'Adam'}, "
    f"step size {done_with.rate:g}, {done_with.epochs} epochs. The loss went from "
    f"{trained.epochs[0].loss:.3f} to {trained.epochs[-1].loss:.3f} on the pairs it learnt from, and from "
    f"{trained.epochs[0].test_loss:.3f} to {trained.epochs[-1].test_loss:.3f} on the held-out ones. "
    "The held-out line stays higher: those pictures are new to W, like a test with questions you have "
    "not practised."
)

found, pca = trained.retrieval, lesson.pca()
st.subheader("4. Does W find the right caption?")
st.write(
    f"For each of the {found.pairs} held-out pictures, all {found.pairs} held-out captions are sorted by how "
    "close their y is to the picture's W·x. *Top-1*: the right caption came first. *Top-5*: it was among "
    "the first five."
)
m1, m2, m3, m4 = st.columns(4)
m1.metric("W: right caption first (top-1)", f"{found.top1:.0%}")
m2.metric("W: in the first five (top-5)", f"{found.top5:.0%}")
m3.metric("PCA: top-1", f"{pca.top1:.0%}")
m4.metric("Guessing: top-1 / top-5", f"{found.chance1:.0%} / {found.chance5:.0%}")
guesses = lesson.guesses(trained.W)
for column, pair, guess in zip(st.columns(6), lesson.data.test[:6], guesses):
    column.image(pair.image, width="stretch", alt=f"A drawn {pair.caption}")
    mark = ":green[**Right!**]" if guess == pair.caption else f":red[**Not quite:**] it is *{pair.caption}*."
    column.caption(f"W says *{guess}*. {mark}")
st.image(
    heatmap(trained.W),
    caption=f"This is W: {trained.W.shape[0]} rows (caption numbers) × {trained.W.shape[1]} columns (picture "
    "numbers). Red numbers are above zero, blue below. That is all there is to it.",
    alt="W as a grid of red and blue squares, one for each of its numbers",
)

st.subheader("5. Why not PCA?")
st.write(
    "PCA (principal component analysis) also squeezes numbers into a few, but it looks at each side "
    "alone: the pictures without their captions, the captions without their pictures. Nobody tells it "
    "which caption goes with which picture, so its picture numbers and its caption numbers do not line up, "
    f"and it finds the right caption about as often as guessing: top-1 {pca.top1:.0%} and top-5 {pca.top5:.0%} "
    f"(guessing: {pca.chance1:.0%} and {pca.chance5:.0%}). W is *supervised*: it learns from the pairs, "
    f"and gets {found.top1:.0%} and {found.top5:.0%}."
)

st.subheader("6. Try your photo")
st.write(
    "Your photo goes through the same numbers and the same W; these are the captions (of every scene the "
    "lesson can draw) nearest to its W·x. W only ever saw simple drawings, so a real photo confuses it: "
    "that is why LLaVA's W was trained on hundreds of thousands of real photos."
)
upload = st.file_uploader("A photo", type=["jpg", "jpeg", "png", "webp"], key="lesson_photo")
photo, label = None, ""
try:
    if upload is not None:
        photo, label = load_photo(upload.getvalue(), upload.name).image, upload.name
    elif (story := _ui.current_story()) is not None and story.photo is not None:
        photo, label = studio.photo_image(_ui.store(), story), "your story's photo"
except StudioError as error:
    st.error(str(error))
if photo is not None:
    left, right = st.columns([1, 3])
    left.image(photo, caption=label, width="stretch", alt=label[0].upper() + label[1:])
    right.dataframe(
        pd.DataFrame(lesson.nearest_captions(photo, trained.W), columns=["caption", "closeness (cosine)"]),
        hide_index=True,
        width="stretch",
    )
else:
    st.caption("Upload a photo, or start a story with one: its photo is used here.")
