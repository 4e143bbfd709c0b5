"""Narration audio as the exports carry it: MP3, encoded by ffmpeg once per audio file.

The store keeps the narrator's WAV (lossless, what every engine gives); a page of WAV is about
45 KB a second, MP3 at 48 kbit/s mono about 6 KB. MP3 is one of EPUB 3's core audio types and
every browser plays it. The encoded copy is kept beside the WAV (`audio/mp3/<wav name>.mp3`) and
made again only when missing.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from core.errors import NotConfigured, ProviderError
from core.narration import ffmpeg_binary
from core.storage.store import write_atomically

BITRATE = "48k"


def mp3(wav: Path) -> bytes:
    """The MP3 of a WAV file in the store (made once, then read back)."""
    cached = wav.parent / "mp3" / f"{wav.stem}.mp3"
    if cached.exists():
        return cached.read_bytes()
    ffmpeg = ffmpeg_binary()
    if ffmpeg is None:
        raise NotConfigured(
            "Books that read aloud need ffmpeg to compress their audio: apt-get install ffmpeg, "
            "or pip install imageio-ffmpeg."
        )
    done = subprocess.run(
        [ffmpeg, "-v", "error", "-i", str(wav), "-codec:a", "libmp3lame", "-b:a", BITRATE, "-f", "mp3", "-"],
        capture_output=True,
        timeout=300,
    )
    if done.returncode != 0 or not done.stdout:
        raise ProviderError(f"ffmpeg could not compress the narration ({done.stderr.decode(errors='replace')[:200]}).")
    write_atomically(cached, done.stdout)
    return done.stdout
