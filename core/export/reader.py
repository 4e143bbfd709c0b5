"""The web reader: the whole book as one HTML file that any browser opens, a phone's too.

Pictures (JPEG) and narration (MP3; WAV where ffmpeg is missing) are inlined as data URIs, so the
file works offline, attached to an e-mail or from a USB stick. One page at a time, its picture large
and its text beside it (wide screens) or below it (phones); pages turn with the arrow keys, space,
Page Up/Down, the buttons, or a swipe; ▶ (or P) reads the page aloud, and while it is heard the
sentence being read is highlighted (the audio's `timeupdate` events against each sentence's start
time). Reading aloud goes on to the next page by itself until the book ends or ▶ is pressed again.
The classroom's read-aloud view shows the same file, larger (`big=True`).

Nothing in the story is ever executed: every text is escaped here (html.escape, quotes included),
the only script is the constant `SCRIPT` below, and a Content-Security-Policy allows just that
script (by its hash), data: pictures and sounds, and inline styles: no other script, no network.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape

from core.errors import NotConfigured
from core.export.audio import mp3
from core.export.formats import ExportRequest
from core.export.readalong import ReadAlongBook, ReadAlongPage, jpeg, readalong_book

PICTURE_LONG_SIDE = 1400

STYLE = """
html, body { margin: 0; height: 100%; }
body { background: #fffdf7; color: #222; font-family: "Noto Serif", Georgia, "Times New Roman", serif;
  -webkit-text-size-adjust: 100%; }
#book { height: 100%; outline: none; }
.page { height: 100vh; box-sizing: border-box; display: flex; flex-direction: column; align-items: center;
  padding: 2vh 4vw 5.5rem; gap: 2vh; }
.page[hidden] { display: none; }
.page figure { flex: 1 1 auto; min-height: 0; width: 100%; margin: 0; display: flex; align-items: center;
  justify-content: center; }
.page img { width: 100%; height: 100%; object-fit: contain; }
.text { flex: 0 0 auto; margin: 0; max-width: 38em; line-height: 1.5; font-size: clamp(18px, 2.2vmin + 1vw, 44px); }
.text.long { font-size: clamp(16px, 1.7vmin + 0.8vw, 34px); }
.s { border-radius: .25em; transition: background-color .15s; }
.s.active { background: #ffe58a; box-shadow: 0 0 0 .12em #ffe58a; }
.cover h1 { margin: 0; text-align: center; font-size: clamp(28px, 4vmin + 2vw, 80px); line-height: 1.15; }
.cover p { margin: 0; text-align: center; color: #555; }
.cover .credits { font-size: 13px; color: #5f5f5f; max-width: 60em; }
.controls { position: fixed; left: 0; right: 0; bottom: 0; display: flex; justify-content: center;
  align-items: center; gap: 1rem; padding: .6rem; background: rgba(255, 253, 247, .94);
  border-top: 1px solid #e6e0d0; }
.controls button { font: inherit; font-size: 1.5rem; min-width: 3.2rem; min-height: 3.2rem; border-radius: 1.6rem;
  border: 1px solid #c9c2b0; background: #fff; color: #222; cursor: pointer; }
.controls button:disabled { opacity: .35; cursor: default; }
#folio { min-width: 5em; text-align: center; color: #555; }
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.controls button:focus-visible { outline: 3px solid #1a4fb5; outline-offset: 2px; }
@media (min-aspect-ratio: 5/4) and (min-width: 700px) {
  .page { flex-direction: row; padding: 3vh 4vw 5.5rem; gap: 4vw; }
  .page figure { flex: 1 1 56%; height: 100%; }
  .text { flex: 1 1 44%; }
  .cover { flex-direction: column; }
  .cover figure { flex: 1 1 auto; height: auto; }
}
body.big .text { font-size: clamp(22px, 3.1vmin + 1.2vw, 72px); }
body.big .text.long { font-size: clamp(18px, 2.3vmin + 0.9vw, 52px); }
"""

# The only script of the page (the Content-Security-Policy names its hash). It reads nothing from
# the story but the numbers in data-start attributes, and writes only classes, hidden flags and
# the page number.
SCRIPT = """
(function () {
  "use strict";
  var pages = Array.prototype.slice.call(document.querySelectorAll(".page"));
  var rtl = document.documentElement.dir === "rtl";
  var folio = document.getElementById("folio");
  var playButton = document.getElementById("play");
  var announce = document.getElementById("announce");
  var current = -1, reading = false, timer = null;

  function audioOf(n) { return pages[n] ? pages[n].querySelector("audio") : null; }
  function sentencesOf(n) { return Array.prototype.slice.call(pages[n].querySelectorAll(".s")); }
  function clear(n) { sentencesOf(n).forEach(function (s) { s.classList.remove("active"); }); }

  function highlight(n) {
    var audio = audioOf(n), t = audio.currentTime, spans = sentencesOf(n), active = -1;
    spans.forEach(function (s, i) { if (parseFloat(s.dataset.start) <= t + 0.05) { active = i; } });
    if (audio.ended) { active = -1; }
    spans.forEach(function (s, i) { s.classList.toggle("active", i === active); });
  }

  function setReading(on) {
    var fromCover = current === 0 && !!audioOf(1);
    if (on && fromCover) { reading = true; show(1); return; }
    var audio = audioOf(current);
    reading = on && !!audio;
    playButton.textContent = reading ? "\\u275A\\u275A" : "\\u25B6";
    playButton.setAttribute("aria-label", reading ? "Pause" : "Read aloud");
    playButton.disabled = !audio && !fromCover;
    if (!audio) { return; }
    if (reading) {
      var started = audio.play();
      if (started && started.catch) { started.catch(function () { setReading(false); }); }
    } else { audio.pause(); }
  }

  function show(n) {
    if (n < 0 || n >= pages.length || n === current) { return; }
    clearTimeout(timer);
    var old = audioOf(current);
    if (old) { old.pause(); old.currentTime = 0; clear(current); }
    pages.forEach(function (p, i) { p.hidden = i !== n; });
    current = n;
    document.body.dataset.page = String(n);
    folio.textContent = n === 0 ? "" : n + " / " + (pages.length - 1);
    announce.textContent = n === 0 ? "Cover" : "Page " + n + " of " + (pages.length - 1);
    document.getElementById("prev").disabled = n === 0;
    document.getElementById("next").disabled = n === pages.length - 1;
    setReading(reading);
  }

  function next() { show(current + 1); }
  function previous() { show(current - 1); }

  pages.forEach(function (page, n) {
    var audio = page.querySelector("audio");
    if (!audio) { return; }
    audio.addEventListener("timeupdate", function () { if (n === current) { highlight(n); } });
    audio.addEventListener("seeked", function () { if (n === current) { highlight(n); } });
    audio.addEventListener("ended", function () {
      clear(n);
      if (reading && n === current) {
        if (n < pages.length - 1) { timer = setTimeout(next, 900); } else { setReading(false); }
      }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var forward = rtl ? "ArrowLeft" : "ArrowRight", back = rtl ? "ArrowRight" : "ArrowLeft";
    var key = event.key;
    if (key === " " || key === forward || key === "PageDown") { next(); }
    else if (key === back || key === "PageUp") { previous(); }
    else if (key === "Home") { show(0); }
    else if (key === "End") { show(pages.length - 1); }
    else if (key === "p" || key === "P") { setReading(!reading); }
    else { return; }
    event.preventDefault();
  });

  var touchX = null, touchY = null;
  document.addEventListener("touchstart", function (event) {
    touchX = event.changedTouches[0].clientX; touchY = event.changedTouches[0].clientY;
  }, { passive: true });
  document.addEventListener("touchend", function (event) {
    if (touchX === null) { return; }
    var dx = event.changedTouches[0].clientX - touchX, dy = event.changedTouches[0].clientY - touchY;
    touchX = null;
    if (Math.abs(dx) < 40 || Math.abs(dx) < Math.abs(dy)) { return; }
    if ((dx < 0) !== rtl) { next(); } else { previous(); }
  }, { passive: true });

  document.getElementById("next").addEventListener("click", next);
  document.getElementById("prev").addEventListener("click", previous);
  playButton.addEventListener("click", function () { setReading(!reading); });
  show(0);
  document.getElementById("book").focus();
})();
"""


def make_reader(request: ExportRequest) -> bytes:
    """The web reader of the story in the request's language (`core.export.formats`)."""
    return render_reader(readalong_book(request.store, request.story, request.language)).encode("utf-8")


def read_aloud_html(store, story, language: str | None = None) -> tuple[str, bool]:
    """The read-aloud view's reader (large type) and whether any page of it has narration."""
    book = readalong_book(store, story, language)
    return render_reader(book, big=True), book.narrated


def render_reader(book: ReadAlongBook, *, big: bool = False) -> str:
    """The book as one HTML document; `big` for a projector (larger type)."""
    script_hash = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode()
    policy = (
        "default-src 'none'; img-src data:; media-src data:; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{script_hash}'; base-uri 'none'; form-action 'none'"
    )
    pages = [_cover(book)] + [_page(page) for page in book.pages]
    rtl = book.direction == "rtl"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(book.language)}" dir="{book.direction}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        f"<title>{_e(book.title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f'<body class="{"big" if big else ""}">\n<main id="book" tabindex="-1">\n' + "\n".join(pages) + "\n</main>\n"
        '<nav class="controls">'
        f'<button id="prev" type="button" aria-label="Previous page">{"›" if rtl else "‹"}</button>'
        '<button id="play" type="button" aria-label="Read aloud">▶</button>'
        '<span id="folio" aria-hidden="true"></span>'
        f'<button id="next" type="button" aria-label="Next page">{"‹" if rtl else "›"}</button>'
        "</nav>\n"
        '<p id="announce" class="visually-hidden" role="status" aria-live="polite" aria-atomic="true"></p>\n'
        f"<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )


def _e(text: str) -> str:
    return escape(text, quote=True)


def _picture(path, alt: str, alt_language: str = "") -> str:
    """A page's picture; `alt_language` marks alt text written in another language than the book's."""
    if path is None:
        return ""
    data, _ = jpeg(path, PICTURE_LONG_SIDE)
    lang = f' lang="{_e(alt_language)}"' if alt_language else ""
    source = f"data:image/jpeg;base64,{base64.b64encode(data).decode()}"
    return f'<figure><img src="{source}" alt="{_e(alt)}"{lang}></figure>'


def _cover(book: ReadAlongBook) -> str:
    source = next((p.picture for p in book.pages if p.picture), None) or book.cover
    silent = "" if book.narrated else " This book has no narration yet."
    return (
        '<section class="page cover" hidden>'
        + _picture(source, book.title)
        + f"<h1>{_e(book.title)}</h1><p>{_e(book.author)}</p>"
        + f'<p class="credits">{_e(book.credits + silent)}</p></section>'
    )


def _audio(page: ReadAlongPage) -> str:
    if page.audio is None:
        return ""
    try:
        data, mime = mp3(page.audio), "audio/mpeg"
    except NotConfigured:  # no ffmpeg: the WAV plays in every browser, at seven times the size
        data, mime = page.audio.read_bytes(), "audio/wav"
    return f'<audio preload="auto" src="data:{mime};base64,{base64.b64encode(data).decode()}"></audio>'


def _page(page: ReadAlongPage) -> str:
    spans = []
    for piece, index in page.spans():
        if index is None:  # the space between sentences; a line break stays one
            spans.append(_e(piece).replace("\n", "<br>"))
            continue
        start = page.sentences[index].start
        timing = f' data-start="{start:.3f}"' if start is not None else ""
        spans.append(f'<span class="s"{timing}>{_e(piece)}</span>')
    length = " long" if len(page.text) > 420 else ""
    return (
        f'<section class="page" data-number="{page.number}" hidden>'
        + _picture(page.picture, page.alt, page.scene_language)
        + f'<p class="text{length}">{"".join(spans)}</p>'
        + _audio(page)
        + "</section>"
    )
