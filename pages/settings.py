"""Which engine serves each step, the models, the servers and keys (keys stay in this session)."""

import streamlit as st

from core import providers, studio
from core.errors import StudioError
from pages import _identity, _nav, _ui

_nav.begin(_nav.SETTINGS)
st.write(
    "Choices here apply to this browser session. Defaults come from the environment and "
    "`.streamlit/secrets.toml` (see the README). Keys are never saved into a story, a log or a PDF."
)
settings = _ui.settings()
overrides = st.session_state.setdefault("settings_overrides", {})

with st.form("settings_form"):
    st.header("Engines")
    chosen = {}
    columns = st.columns(len(providers.CAPABILITIES))
    for column, (name, label) in zip(columns, providers.CAPABILITIES.items()):
        engines = providers.engines(name)
        options = list(engines)
        chosen[name] = column.selectbox(
            label,
            options,
            index=options.index(getattr(settings, name)),
            key=f"settings_engine_{name}",
            format_func=lambda engine, engines=engines: engines[engine].label,
            help="\n\n".join(f"**{e.label}**: {e.needs or 'works out of the box'}" for e in engines.values()),
        )

    st.header("Local models (ids on the Hugging Face hub, or folders on this machine)")
    left, right = st.columns(2)
    models = {}
    for column, name in zip(
        [left, right, left, right, left],
        ["model_vision", "model_writer", "model_illustrator", "model_refiner", "model_upscaler"],
    ):
        models[name] = column.text_input(name.removeprefix("model_").capitalize(), getattr(settings, name))

    st.header("Pictures")
    left, right = st.columns(2)
    sizes = [None, 512, 768, 1024, 1536]
    if settings.illustrator_size not in sizes:
        sizes.append(settings.illustrator_size)
    size = left.selectbox(
        "Picture size (long side)",
        sizes,
        index=sizes.index(settings.illustrator_size),
        format_func=lambda px: "Each engine's own" if px is None else f"{px} px",
        help="512 px and few steps suit a computer without a GPU.",
        key="settings_size",
    )
    steps = right.number_input(
        "Denoising steps (local model)", 1, 200, settings.illustrator_steps, key="settings_steps"
    )

    st.header("OpenAI-compatible server (OpenAI, vLLM, Ollama, LM Studio, llama.cpp)")
    if _identity.shared(settings):
        st.caption(
            "This studio is shared: a server address you type here needs your own key. The studio's "
            "own keys are only ever sent to the servers it was set up with."
        )
    left, right = st.columns(2)
    base_url = left.text_input(
        "Base URL (empty: api.openai.com)", settings.openai_base_url or "", placeholder="http://localhost:11434/v1"
    )
    key_state = "set" if settings.openai_api_key else "not set"
    api_key = right.text_input(f"API key (currently {key_state})", type="password")
    remote = {
        name: column.text_input(label, getattr(settings, name))
        for column, name, label in [
            (left, "remote_writer_model", "Writer model"),
            (right, "remote_vision_model", "Vision model"),
            (left, "remote_illustrator_model", "Image model"),
            (right, "remote_narrator_model", "Speech model"),
            (left, "narrator_voice", "Voice (offline: joe or espeak; remote: e.g. alloy; empty: each engine's own)"),
        ]
    }

    st.header("DeepL")
    left, right = st.columns(2)
    deepl_key = left.text_input(
        f"DeepL key (currently {'set' if settings.deepl_auth_key else 'not set'})", type="password"
    )
    deepl_url = right.text_input("DeepL server (empty: chosen by the key)", settings.deepl_server_url or "")

    st.header("Studio")
    public = st.text_input(
        "Public address for QR codes (how a phone reaches this studio)",
        settings.public_base_url or "",
        placeholder="http://192.168.1.20:8501",
    )
    in_class = _identity.current_seat() is not None  # a pupil: the check is always on in a class
    safety = st.toggle(
        "Classroom safety checks on prompts and texts",
        settings.safety or in_class,
        disabled=in_class,
        key="settings_safety",
        help="Always on in a class: every caption, picture idea and printed page is checked.",
    )
    if in_class:
        st.caption("The safety check is always on in your class.")
    if st.form_submit_button("Apply", type="primary"):
        overrides.update(chosen)
        overrides.update(models)
        overrides.update(remote)
        overrides.update(
            {
                "openai_base_url": base_url,
                "deepl_server_url": deepl_url,
                "public_base_url": public,
                "safety": safety,
                "illustrator_steps": steps,
                "illustrator_size": size,
            }
        )
        if size is None:  # back to the environment's size, or each engine's own
            overrides.pop("illustrator_size")
        if api_key:
            overrides["openai_api_key"] = api_key
        if deepl_key:
            overrides["deepl_auth_key"] = deepl_key
        with _ui.shows_errors():
            _ui.settings()  # validate now, so a bad value is named here rather than on another page
            st.success("Applied for this session.")

st.header("Test the connections")
left, right = st.columns(2)
if left.button("Test the OpenAI-compatible server", key="settings_test_openai"):
    with st.spinner("Asking the server for its models…"):
        try:
            left.success("Models: " + ", ".join(studio.remote_models(_ui.settings())[:30]))
        except StudioError as error:
            left.error(str(error))
if right.button("Test DeepL", key="settings_test_deepl"):
    with st.spinner("Asking DeepL…"):
        try:
            deepl = studio.check_deepl(_ui.settings())
            right.success(f"{deepl.usage}. Languages: " + ", ".join(deepl.languages))
        except StudioError as error:
            right.error(str(error))
