"""How the studio works, for a person who wonders what each engine does."""

import streamlit as st

from pages import _nav

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
