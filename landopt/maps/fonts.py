"""Fonts for maps: finding a CJK font, and falling back to English without one.

Chinese labels need a font with Chinese glyphs; :func:`find_cjk_font` looks for one
through matplotlib's font manager (and the ``mplfonts`` package). Without one,
:func:`map_lang` turns a Chinese map into an English one, with a logged warning that says
how to install a font (:data:`FONT_HELP`), rather than print boxes in place of characters.
matplotlib is imported inside the functions only.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from landopt.errors import InputError
from landopt.i18n import Lang
from landopt.scenario import Scenario

__all__ = ["CJK_FAMILIES", "FONT_HELP", "find_cjk_font", "map_lang"]

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
FONT_HELP = (
    "install one: 'apt-get install fonts-noto-cjk' (Debian/Ubuntu), "
    "'dnf install google-noto-sans-cjk-fonts' (Fedora), or 'pip install mplfonts' "
    "(ships Noto Sans CJK SC); on Windows Microsoft YaHei is already there"
)


@functools.cache
def find_cjk_font() -> str | None:
    """The family name of a font with Chinese glyphs, or None when there is none.

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

    @property
    def family(self) -> list[str]:
        return [self.cjk, "DejaVu Sans"] if self.cjk else ["DejaVu Sans"]

    def can_draw(self, text: str) -> bool:
        if self.cjk:
            return True
        chars = _basic_charmap()
        return all(ord(c) in chars or c.isspace() for c in text)

    def kw(self, **more: Any) -> dict[str, Any]:
        return {"fontfamily": self.family, **more}


def map_lang(scenario: Scenario, lang: str | None = None, *, need_font: bool = True) -> Lang:
    """The language of a map's labels: ``lang``, else the scenario's.

    With ``need_font`` (static maps), Chinese falls back to English, with a warning
    saying how to install a font, when :func:`find_cjk_font` finds none.
    """
    want = lang or scenario.lang or "en"
    if want not in ("zh", "en"):
        raise InputError(f"lang must be 'zh' or 'en', got {want!r}")
    if want == "zh" and need_font and find_cjk_font() is None:
        log.warning(
            "no CJK font found, so the map's labels are in English instead of Chinese; %s, "
            "then delete matplotlib's font cache (~/.cache/matplotlib) if the font is still not found",
            FONT_HELP,
        )
        return "en"
    return want  # type: ignore[return-value]


def _fonts(scenario: Scenario, lang: str | None) -> _Fonts:
    chosen = map_lang(scenario, lang)
    return _Fonts(chosen, find_cjk_font())
