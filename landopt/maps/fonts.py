"""Fonts for maps and pages: a CJK font from the system, else the one landopt ships.

Chinese labels need a font with Chinese glyphs. :func:`find_cjk_font` prefers one the
system has (:func:`find_system_cjk_font`: matplotlib's font manager, the ``mplfonts``
package); without one it registers the font landopt carries as package data
(:func:`shipped_cjk_font`: "Noto Sans SC GB2312", a GB 2312 subset of Noto Sans SC under
the SIL Open Font License, ``landopt/_vendor/fonts/``), so a fresh machine draws Chinese.
Only if even that file is missing does :func:`map_lang` turn a Chinese map into an
English one, with a logged warning that says how to install a font (:data:`FONT_HELP`),
rather than print boxes in place of characters. :func:`font_face_css` gives the
``@font-face`` rule (WOFF2 as a data URL) that Chinese HTML pages embed.
matplotlib is imported inside the functions only.
"""

from __future__ import annotations

import base64
import functools
import importlib.util
import logging
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from landopt.errors import InputError
from landopt.i18n import Lang, resolve_lang
from landopt.scenario import Scenario

__all__ = [
    "CJK_FAMILIES",
    "FONT_HELP",
    "SHIPPED_FAMILY",
    "find_cjk_font",
    "find_system_cjk_font",
    "font_face_css",
    "map_lang",
    "shipped_cjk_font",
    "shipped_font_path",
]

log = logging.getLogger(__name__)


#: Families tried in order; the first one matplotlib knows is used for Chinese text.
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "Noto Sans CJK JP",
    "Source Han Sans",
    "Noto Sans CJK TC",
)
_CJK_FILE = re.compile(
    r"(NotoSansCJK|NotoSansSC|SourceHanSans|wqy-?(zen|micro)hei|msyh|simhei|PingFang)", re.I
)
#: The family name of the font in ``landopt/_vendor/fonts/`` (see its README.md).
SHIPPED_FAMILY = "Noto Sans SC GB2312"
_SHIPPED_STEM = "NotoSansSC-GB2312"
#: How to get a fuller CJK font than the shipped subset (or any, if it was removed).
FONT_HELP = (
    "install one: 'apt-get install fonts-noto-cjk' (Debian/Ubuntu), "
    "'dnf install google-noto-sans-cjk-fonts' (Fedora), or 'pip install mplfonts' "
    "(ships Noto Sans CJK SC); on Windows Microsoft YaHei is already there"
)


def find_cjk_font() -> str | None:
    """The family name of a font with Chinese glyphs, or None when there is none.

    A system font (:func:`find_system_cjk_font`) is preferred, being complete; else the
    font landopt ships (:func:`shipped_cjk_font`), which covers GB 2312. None only when
    neither exists. Both lookups are cached.
    """
    return find_system_cjk_font() or shipped_cjk_font()


@functools.cache
def find_system_cjk_font() -> str | None:
    """The family name of a CJK font installed on this machine, or None.

    Families in :data:`CJK_FAMILIES` are looked up in matplotlib's font list first.
    Fonts installed after matplotlib built its font cache, and the fonts of the
    ``mplfonts`` package, are then found by file name and added. The answer is cached.
    """
    from matplotlib import font_manager as fm

    def known() -> str | None:
        names = {f.name for f in fm.fontManager.ttflist}
        return next((fam for fam in CJK_FAMILIES if fam in names), None)

    found = known()
    if found:
        return found
    files = list(fm.findSystemFonts())
    spec = importlib.util.find_spec("mplfonts")
    if spec is not None and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            files += [str(p) for p in Path(loc, "fonts").glob("*.[ot]t[fc]")]
    for f in files:
        if _CJK_FILE.search(Path(f).name):
            try:
                fm.fontManager.addfont(f)
            except (OSError, RuntimeError, ValueError) as exc:  # a broken font file
                log.debug("cannot load font %s: %s", f, exc)
    return known()


def shipped_font_path(suffix: str = ".otf") -> Path | None:
    """The file of the shipped font (``.otf`` for matplotlib, ``.woff2`` for pages), or None."""
    path = Path(str(resources.files("landopt") / "_vendor" / "fonts" / f"{_SHIPPED_STEM}{suffix}"))
    return path if path.is_file() else None


@functools.cache
def shipped_cjk_font() -> str | None:
    """Register the shipped font with matplotlib; its family name, or None without the file."""
    from matplotlib import font_manager as fm

    path = shipped_font_path()
    if path is None:
        log.debug("the shipped CJK font is not in landopt/_vendor/fonts/")
        return None
    if not any(f.fname == str(path) for f in fm.fontManager.ttflist):
        try:
            fm.fontManager.addfont(str(path))
        except (OSError, RuntimeError, ValueError) as exc:  # a damaged file
            log.warning("cannot load landopt's CJK font %s: %s", path, exc)
            return None
    # the subset has the regular weight only: bold labels (titles, parks) are drawn in it,
    # which matplotlib reports on every bold text; that is expected, so keep it quiet
    logging.getLogger("matplotlib.font_manager").addFilter(_no_bold_notice)
    return SHIPPED_FAMILY


def _no_bold_notice(record: logging.LogRecord) -> bool:
    """False for matplotlib's "Failed to find font weight bold" about the shipped font."""
    msg = record.getMessage()
    return not (msg.startswith("findfont: Failed to find font weight") and SHIPPED_FAMILY in msg)


@functools.cache
def _shipped_charmap() -> frozenset[int]:
    """Code points the shipped font can draw."""
    from matplotlib.ft2font import FT2Font

    path = shipped_font_path()
    return frozenset(FT2Font(str(path)).get_charmap()) if path else frozenset()


@functools.cache
def font_face_css() -> str:
    """The ``@font-face`` rule of the shipped font as a WOFF2 data URL, or "" without it.

    Chinese pages (report.html, plan.html) embed it so that they show Chinese where the
    browser has no CJK font; the page's CSS lists it after the system CJK families. The
    rule is about 1.6 MB (the whole GB 2312 subset, base64): landopt has no font tools at
    run time to cut a per-page subset.
    """
    path = shipped_font_path(".woff2")
    if path is None:
        return ""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (
        f'@font-face {{ font-family: "{SHIPPED_FAMILY}"; font-style: normal; '
        "font-weight: 100 900; font-display: swap; "
        f'src: url(data:font/woff2;base64,{data}) format("woff2"); }}\n'
    )


@functools.cache
def _basic_charmap() -> frozenset[int]:
    """Code points matplotlib's default font (DejaVu Sans) can draw."""
    from matplotlib import font_manager as fm
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(fm.findfont("DejaVu Sans")).get_charmap())


@dataclass(frozen=True)
class _Fonts:
    """The font families for a map and whether a text can be drawn with them."""

    lang: Lang
    cjk: str | None
    #: text sizes relative to an A4 sheet (A3: √2); multiplies every ``fontsize`` of :meth:`kw`
    scale: float = 1.0

    @property
    def family(self) -> list[str]:
        return [self.cjk, "DejaVu Sans"] if self.cjk else ["DejaVu Sans"]

    def can_draw(self, text: str) -> bool:
        if self.cjk and self.cjk != SHIPPED_FAMILY:
            return True  # a system CJK font: complete enough
        chars = _basic_charmap() | (_shipped_charmap() if self.cjk else frozenset())
        return all(ord(c) in chars or c.isspace() for c in text)

    def kw(self, **more: Any) -> dict[str, Any]:
        if "fontsize" in more and self.scale != 1.0:
            more["fontsize"] = more["fontsize"] * self.scale
        return {"fontfamily": self.family, **more}

    def pt(self, size: float) -> float:
        """A size in points (text, offsets) for this sheet: ``size`` × :attr:`scale`."""
        return size * self.scale


def map_lang(scenario: Scenario, lang: str | None = None, *, need_font: bool = True) -> Lang:
    """The language of a map's labels: ``lang``, else the scenario's.

    With ``need_font`` (static maps), Chinese falls back to English, with a warning
    saying how to install a font, when :func:`find_cjk_font` finds none (no system
    font and the shipped one missing).
    """
    want = lang or resolve_lang(scenario.lang)
    if want not in ("zh", "en"):
        raise InputError(f"lang must be 'zh' or 'en', got {want!r}")
    if want == "zh" and need_font and find_cjk_font() is None:
        log.warning(
            "no CJK font found (and landopt's own is missing), so the map's labels are in English instead of Chinese; %s, "
            "then delete matplotlib's font cache (~/.cache/matplotlib) if the font is still not found",
            FONT_HELP,
        )
        return "en"
    return want  # type: ignore[return-value]


def _fonts(scenario: Scenario, lang: str | None) -> _Fonts:
    chosen = map_lang(scenario, lang)
    return _Fonts(chosen, find_cjk_font())
