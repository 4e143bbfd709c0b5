"""The brand kits of this space: make, edit (a new version each save), import and export one
file, check the palette's contrast, and use a kit for the open campaign."""

import streamlit as st

from core.campaign import steps
from core.campaign.brand import build_kit, default_kit, kit_json, kit_toml, palette_contrast, read_kit
from core.campaign.brands import BrandKits
from core.errors import StudioError
from pages import _nav, _ui

_nav.begin(_nav.BRAND_KIT)
store = _ui.store()
kits = BrandKits(store)
story = _ui.current_story()

stored = kits.list()
NEW = ""
choices = {NEW: "A new kit (from the example)"} | {k.id: f"{k.name} · version {k.revision}" for k in stored}
if "brand_saved" in st.session_state:  # a kit saved on the last run: show it (set before the widget exists)
    st.session_state["brand_choice"] = st.session_state.pop("brand_saved")
if "brand_note" in st.session_state:
    st.success(st.session_state.pop("brand_note"))
kit_id = st.selectbox("Brand kit", list(choices), format_func=choices.get, key="brand_choice")
if kit_id:
    base, revision = kits.load(kit_id)
else:
    base, revision = default_kit(), 0
kit = base.kit

with st.expander("Import a kit file (TOML or JSON)"):
    upload = st.file_uploader("Brand kit file", type=["toml", "json"], key="brand_import")
    if upload is not None and st.button("Save it as a new kit of this space", key="brand_import_go"):
        with _ui.shows_errors():
            new_id, _ = kits.save(read_kit(upload.getvalue(), upload.name))
            st.session_state["brand_saved"] = new_id
            st.rerun()

with st.form(f"brand_form_{kit_id}_{revision}"):
    name = st.text_input("Name", kit.name, max_chars=80)
    columns = st.columns(4)
    palette = {
        field: column.color_picker(field.capitalize(), getattr(kit.palette, field))
        for column, field in zip(columns, ("primary", "accent", "background", "text"))
    }
    tone = st.text_input("Tone words (comma-separated)", ", ".join(kit.tone), placeholder="playful, premium")
    banned = st.text_area("Banned words (comma-separated)", ", ".join(kit.banned), height=70)
    mandatory = st.text_input("Mandatory line (legal, disclaimer)", kit.mandatory, max_chars=160)
    left, right = st.columns(2)
    logo = left.file_uploader("Logo (PNG or WebP with transparency)", type=["png", "webp"])
    font = right.file_uploader("Font (TTF or OTF, licensed for embedding)", type=["ttf", "otf"])
    right.caption(f"Font now: {kit.font_family or 'Noto Sans (bundled)'}")
    if st.form_submit_button("Save a new version", type="primary"):
        try:
            built = build_kit(
                {"name": name, "palette": palette, "tone": tone, "banned": banned, "mandatory": mandatory},
                logo=(logo.getvalue(), logo.name) if logo else None,
                font=(font.getvalue(), font.name) if font else None,
                base=base,
            )
            saved_id, saved = kits.save(built, kit_id or None, revision)
            st.session_state["brand_saved"] = saved_id
            st.session_state["brand_note"] = f"Saved as version {saved}."
            st.rerun()
        except StudioError as error:
            st.error(str(error))

if kit.logo and kit.logo in base.files:
    st.image(base.files[kit.logo], width=260, caption="Logo", alt=f"The logo of {kit.name}")
st.markdown("**Text on each colour** (the pictures measure every text run again on their pixels)")
for check in palette_contrast(kit.palette):
    mark = "✅" if check.ok else "⚠️"
    st.write(f"{mark} {check.colour} {check.hex}: text in {check.text} reaches {check.ratio:.1f}:1")

left, middle, right = st.columns(3)
left.download_button("Export as TOML", kit_toml(kit, base.files), file_name="brand.toml", key="brand_toml")
middle.download_button("Export as JSON", kit_json(kit, base.files), file_name="brand.json", key="brand_json")
if kit_id and story is not None and story.campaign is not None:
    if right.button(f"Use for '{story.campaign.name}'", key="brand_use"):
        with _ui.shows_errors():
            steps.set_brand(store, story, base, f"kit {kit_id} revision {revision}")
            st.success("The campaign uses this kit now; make its pictures again to see it.")
