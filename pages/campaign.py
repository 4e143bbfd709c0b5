"""Campaign step 1: the product photo, its caption, the brief and the look of the pictures."""

import streamlit as st

from core import alt_text, studio
from core.campaign import steps
from core.campaign.brands import BrandKits
from core.campaign.render import STYLES
from core.errors import StudioError
from core.samples import sample_bytes
from pages import _jobs, _nav, _ui

_nav.begin(_nav.CAMPAIGN)
st.write(
    "Mock up a campaign from a product photo: copy variants in your brand's tone, pictures in every "
    "social format, a deck to present and the files for your ad manager."
)
store = _ui.store()
settings = _ui.settings()
story = _ui.current_story()
campaign = story.campaign if story is not None else None

with st.expander("Start a new campaign", expanded=campaign is None):
    kits = BrandKits(store).list()
    choices = {"": "The example kit (Harbour & Co.)"} | {k.id: f"{k.name} (version {k.revision})" for k in kits}
    kit_id = st.selectbox("Brand kit", list(choices), format_func=choices.get, key="campaign_kit")
    uploaded = st.file_uploader("Product photo", type=["jpg", "jpeg", "png", "webp"], key="campaign_photo")
    left, right = st.columns(2)
    start_upload = left.button("Start with this photo", type="primary", disabled=uploaded is None, key="campaign_go")
    start_sample = right.button("Start with the sample coffee cup", key="campaign_sample")
    if start_upload or start_sample:
        with _ui.shows_errors():
            kit, source = None, ""
            if kit_id:
                kit, revision = BrandKits(store).load(kit_id)
                source = f"kit {kit_id} revision {revision}"
            data, name = (
                (uploaded.getvalue(), uploaded.name) if start_upload else (sample_bytes("coffee"), "coffee.jpg")
            )
            new = steps.start_campaign(store, data, name, kit, source)
            # the caption feeds the copy: the sample's own words, or a photo described at once, as a
            # job of the campaign (the person corrects it below once it landed)
            if start_sample:
                studio.sample_caption(store, new, "coffee")
            else:
                _jobs.start(new, "caption", {}, rerun=False)
            _ui.open_story(new.id, page=_nav.CAMPAIGN)

if campaign is None:
    st.stop()
describing = _jobs.panel(story, key="campaign", kinds=("caption",))  # the campaign's jobs, from any page

left, right = st.columns([1, 2])
left.image(
    str(store.thumbnail(story.id, story.photo.image, 500)), caption=story.photo.filename, alt=alt_text.photo_alt(story)
)
with right:
    st.markdown(f"**{_ui.literal(campaign.name)}** · brand: {_ui.literal(campaign.brand.name)}")
    if st.button("Describe the photo", key="campaign_describe", disabled=describing):
        _jobs.start(story, "caption", {})
    caption = st.text_area(
        "What the photo shows (the copy uses it; edit it freely)",
        height=110,
        key=_ui.refilled("campaign_caption", story.caption, (story.id, len(story.captions))),
    )
    if st.button("Save the caption", key="campaign_caption_save", disabled=not caption.strip()):
        with _ui.shows_errors():
            studio.edit_caption(store, story, caption)
            st.rerun()

st.header("The brief")
brief = campaign.brief
with st.form("campaign_brief"):
    name = st.text_input("Campaign name", campaign.name, max_chars=80)
    a, b = st.columns(2)
    product = a.text_input("Product", brief.product, placeholder="Harbour Morning Blend")
    audience = b.text_input("Audience", brief.audience, placeholder="early risers")
    offer = a.text_input("Offer", brief.offer, placeholder="20% off your first bag")
    channel = b.text_input("Channel", brief.channel, placeholder="Instagram")
    cta = a.text_input("Call to action (optional: the writer proposes one)", brief.cta, max_chars=20)
    copy_languages = studio.capabilities(settings).copy_languages  # None: a model writes any language
    if copy_languages is not None:
        codes = list(copy_languages)
        language = b.selectbox(
            "Language", codes, index=codes.index(brief.language) if brief.language in codes else 0,
            format_func=copy_languages.get,
        )  # fmt: skip
    else:
        language = b.text_input("Language code", brief.language)
    style = a.radio("Look of the pictures", STYLES, index=STYLES.index(campaign.style), horizontal=True)
    seed = b.number_input("Seed (the same seed, the same copy)", value=campaign.seed, step=1)
    st.caption(
        "clean: your background colour · bold: your primary colour · photo: the photo's setting, blurred, behind "
        "everything · scene: the product standing in the place your caption names (a cafe counter, a garden)"
    )
    if st.form_submit_button("Save the brief", type="primary"):
        try:
            steps.update_campaign(
                store, story, name=name, product=product, audience=audience, offer=offer, channel=channel,
                cta=cta, language=language, style=style, seed=int(seed),
            )  # fmt: skip
            st.success("Brief saved.")
        except StudioError as error:
            st.error(str(error))
_nav.link(_nav.CAMPAIGN_COPY)
