"""VisuTale Studio's core: everything that is not a widget. Never imports Streamlit."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout: Home.py, pages/, assets/ (installed editable)
ASSETS = ROOT / "assets"  # fonts, styles, samples, word lists, vendored art: each with its licence
