"""Campaign step 2: copy variants: write them, edit, lock, write the unlocked ones again, compare
two side by side, translate."""

import streamlit as st

from core.campaign import steps
from core.campaign.copy import LIMITS
from core.campaign_document import MAX_VARIANTS
from core.errors import StudioError
from pages import _campaign_ui, _jobs, _nav, _ui

_nav.begin(_nav.CAMPAIGN_COPY)
story = _campaign_ui.require_campaign()
store = _ui.store()
campaign = story.campaign
writing = _jobs.panel(story, key="campaign_copy", kinds=("campaign-copy", "campaign-translate"))

left, right = st.columns([1, 2])
count = left.number_input("How many variants", 1, MAX_VARIANTS, len(campaign.variants) or 3, key="campaign_count")
locked = sum(v.locked for v in campaign.variants)
label = "Write the copy" if not campaign.variants else "Write the unlocked variants again"
right.caption(
    f"Headline up to {LIMITS['headline']} characters, body up to {LIMITS['body']}, call to action up to "
    f"{LIMITS['cta']}; in the brand's tone ({', '.join(campaign.brand.tone) or 'none set'}), never a banned word."
    + (f" {locked} locked variant(s) are kept." if locked else "")
)
if right.button(label, type="primary", key="campaign_write", disabled=writing):
    _jobs.start(story, "campaign-copy", {"count": int(count)})  # a job of the campaign: it goes on if you leave

for variant in campaign.variants:
    letter = campaign.letter(variant.id)
    with st.container(border=True):
        top = st.columns([3, 1])
        top[0].markdown(f"**Variant {letter}**" + (" · edited by you" if variant.author == "person" else ""))
        lock = top[1].toggle("Locked", variant.locked, key=f"campaign_lock_{variant.id}")
        if lock != variant.locked:
            steps.lock_variant(store, story, variant.id, lock)
            st.rerun()
        key = f"{variant.id}_{story.revision}"
        headline = st.text_input("Headline", variant.headline, max_chars=LIMITS["headline"], key=f"h_{key}")
        body = st.text_area("Body", variant.body, max_chars=LIMITS["body"], height=80, key=f"b_{key}")
        cta = st.text_input("Call to action", variant.cta, max_chars=LIMITS["cta"], key=f"c_{key}")
        if st.button("Save my words", key=f"campaign_save_{variant.id}"):
            try:
                if steps.edit_variant(store, story, variant.id, headline, body, cta):
                    st.rerun()
                st.info("Nothing changed.")
            except StudioError as error:
                st.error(str(error))

if len(campaign.variants) >= 2:
    st.header("Compare two")
    letters = {v.id: f"Variant {campaign.letter(v.id)}" for v in campaign.variants}
    ids = list(letters)
    a, b = st.columns(2)
    first = a.selectbox("Left", ids, index=0, format_func=letters.get, key="campaign_cmp_a")
    second = b.selectbox("Right", ids, index=1, format_func=letters.get, key="campaign_cmp_b")
    for column, variant_id in ((a, first), (b, second)):
        v = campaign.variant(variant_id)
        picture = campaign.picture(variant_id, "1x1")
        with column.container(border=True):
            if picture is not None:
                st.image(
                    str(store.thumbnail(story.id, picture.image, 480)),
                    alt=f"Square picture of variant {campaign.letter(variant_id)}: {v.headline}",
                )
            st.markdown(f"### {_ui.literal(v.headline)}")
            st.write(v.body)
            st.markdown(f"**{_ui.literal(v.cta)}**")
            st.caption(f"{len(v.headline)} · {len(v.body)} · {len(v.cta)} characters")

if campaign.variants:
    with st.expander("Translate the copy"):
        language = st.text_input("Language code", placeholder="de, fr, es, ja ...", key="campaign_translate_to")
        if st.button("Translate", key="campaign_translate", disabled=writing or not language.strip()):
            _jobs.start(story, "campaign-translate", {"language": language.strip()})
        for code in sorted({t.language for t in campaign.translations}):
            st.markdown(f"**{code}**")
            for v in campaign.variants:
                t = campaign.translation(v.id, code)
                if t is not None:
                    st.write(f"{campaign.letter(v.id)}: {t.headline} · {t.body} · {t.cta}")
    _nav.link(_nav.CAMPAIGN_FORMATS)
