"""The report font: Open Sans from the system, subset to Latin and embedded as WOFF ``data:`` URLs."""

from __future__ import annotations

import base64
import functools
import io
import os
from pathlib import Path

from ...errors import EnvironmentProblem

#: Characters of the embedded font subset: Latin-1, Latin Extended-A, General Punctuation,
#: the euro sign and a few symbols.
_FONT_UNICODES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x180),
    *range(0x2000, 0x2070),
    *(0x0218, 0x0219, 0x021A, 0x021B, 0x02C6, 0x02C7, 0x02D8, 0x02D9, 0x02DA, 0x02DB, 0x02DC),
    *(0x02DD, 0x1E9E, 0x20AC, 0x2116, 0x2122, 0x2190, 0x2191, 0x2192, 0x2193, 0x2212, 0x2248),
    *(0x2260, 0x2264, 0x2265),
]

#: (file, CSS weight, CSS style, local() names tried first) per embedded face; bold (700)
#: falls back to the semibold face.
_FONT_FACES = (
    ("OpenSans-Regular.ttf", 400, "normal", ("Open Sans", "Open Sans Regular", "OpenSans")),
    ("OpenSans-Italic.ttf", 400, "italic", ("Open Sans Italic", "OpenSans-Italic")),
    ("OpenSans-Semibold.ttf", 600, "normal", ("Open Sans Semibold", "OpenSans-Semibold")),
)

#: Where Open Sans is looked for unless the ``font_dir`` trait or ``MPSC_FONT_DIR`` name a folder.
_FONT_DIRS = (
    "/usr/share/fonts/truetype/open-sans",
    "/usr/share/fonts/open-sans",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
)


def find_font_dir(configured: str) -> Path:
    """The folder holding the three Open Sans faces: ``configured``, else ``MPSC_FONT_DIR``, else the usual ones.

    Raises
    ------
    EnvironmentProblem
        None of the folders holds all three files; the message says what to install.
    """
    candidates = [configured] if configured else [os.environ.get("MPSC_FONT_DIR", ""), *_FONT_DIRS]
    for candidate in filter(None, candidates):
        folder = Path(candidate).expanduser()
        if all((folder / name).is_file() for name, *_ in _FONT_FACES):
            return folder
    files = ", ".join(name for name, *_ in _FONT_FACES)
    looked = ", ".join(str(Path(c).expanduser()) for c in candidates if c)
    raise EnvironmentProblem(
        f"Open Sans ({files}) not found in {looked}; install the Debian package: "
        "apt-get install fonts-open-sans (or set MPSC_FONT_DIR to the folder holding them)."
    )


@functools.cache
def font_face_css(font_dir: Path) -> str:
    """``@font-face`` rules embedding a Latin subset of Open Sans as WOFF (once per process)."""
    from fontTools import subset  # noqa: PLC0415  (needed once per process)

    rules = []
    for name, weight, style, local_names in _FONT_FACES:
        options = subset.Options()
        options.flavor = "woff"
        options.hinting = False
        options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
        font = subset.load_font(str(font_dir / name), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=_FONT_UNICODES)
        subsetter.subset(font)
        buffer = io.BytesIO()
        subset.save_font(font, buffer, options)
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        local = ", ".join(f'local("{n}")' for n in local_names)
        rules.append(
            "@font-face {\n"
            f'  font-family: "Open Sans";\n  font-style: {style};\n  font-weight: {weight};\n'
            "  font-display: swap;\n"
            f'  src: {local}, url(data:font/woff;base64,{data}) format("woff");\n}}'
        )
    return "\n".join(rules)
