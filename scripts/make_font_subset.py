"""Make the CJK font shipped in ``landopt/_vendor/fonts/``: a GB 2312 subset of Noto Sans SC.

Usage::

    pip install fonttools brotli        # build time only; landopt never imports fontTools
    python scripts/make_font_subset.py  # reads the system's NotoSansCJK-Regular.ttc
    python scripts/make_font_subset.py --source path/to/NotoSansCJK-Regular.ttc

The source is the Simplified Chinese face ("Noto Sans CJK SC") of the Noto Sans CJK
collection (Debian/Ubuntu ``fonts-noto-cjk``: ``/usr/share/fonts/opentype/noto/``; the same
font as Google's Noto Sans SC), version 2.004, under the SIL Open Font License 1.1. The
face is found in the collection by its family name, not by a fixed index.

Kept code points:

* every character of GB 2312 (6,763 hanzi and 682 symbols: full-width forms, CJK
  punctuation, Greek, Cyrillic, kana, box drawing, numerals), decoded from the codec;
* ASCII, Latin-1, General Punctuation, superscripts and subscripts, letter-like symbols,
  number forms, arrows, mathematical operators, enclosed alphanumerics, geometric shapes,
  dingbats, CJK Symbols and Punctuation, half- and full-width forms;
* every non-ASCII character in landopt's sources (the message catalog ``landopt/i18n.py``,
  the rule components' texts, the templates), the demo data (``data/``) and the notebooks,
  so that a text landopt prints is never cut by the subset.

Characters the source font does not have (✓, ✗ and a few others) are listed when the
script runs; matplotlib draws them with its fallback family (DejaVu Sans) and a browser
with its own fonts. Hinting is dropped (the maps are rendered at 150-300 dpi) and the
family is renamed "Noto Sans SC GB2312" (a Modified Version under the OFL; the name also
keeps it apart from a system "Noto Sans CJK SC"). Outputs: ``NotoSansSC-GB2312.otf`` (CFF,
read by matplotlib) and ``NotoSansSC-GB2312.woff2`` (the same font, Brotli-compressed, for
``@font-face`` in report.html and plan.html).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parents[1]
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FACE = "Noto Sans CJK SC"
OUT = ROOT / "landopt" / "_vendor" / "fonts"
FAMILY = "Noto Sans SC GB2312"
PS_NAME = "NotoSansSCGB2312-Regular"
STEM = "NotoSansSC-GB2312"

#: Unicode blocks kept whole (the source font has only part of some of them).
RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x2000, 0x206F),  # General Punctuation (— – … ‰ ※ ‧)
    (0x2070, 0x209F),  # superscripts and subscripts (⁴ ²)
    (0x2100, 0x214F),  # letter-like symbols (℃ № ™)
    (0x2150, 0x218F),  # number forms (Ⅰ Ⅱ ⅰ)
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators (≥ ≤ × ≠ ∑)
    (0x2460, 0x24FF),  # enclosed alphanumerics (① ⑴ ⒈)
    (0x25A0, 0x25FF),  # geometric shapes (■ □ ▲ ○ ●)
    (0x2600, 0x26FF),  # miscellaneous symbols (★ ☆)
    (0x2700, 0x27BF),  # dingbats (✓ ✗ where present)
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0xFF00, 0xFFEF),  # half- and full-width forms
)
#: Where the texts landopt shows live (scanned for every non-ASCII character).
TEXT_GLOBS: tuple[str, ...] = (
    "landopt/**/*.py",
    "landopt/templates/**/*",
    "data/**/*.toml",
    "data/**/*.geojson",
    "notebooks/*.ipynb",
    "README.md",
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def gb2312() -> set[int]:
    """Every character of GB 2312 (rows 0xA1-0xF7, cells 0xA1-0xFE), decoded by the codec."""
    out: set[int] = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.add(ord(bytes((hi, lo)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return out


def text_chars(root: Path = ROOT) -> set[int]:
    """Every non-ASCII character in the texts of :data:`TEXT_GLOBS`."""
    out: set[int] = set()
    for pattern in TEXT_GLOBS:
        for path in sorted(root.glob(pattern)):
            if path.is_file():
                text = path.read_text(encoding="utf-8", errors="ignore")
                out.update(ord(c) for c in set(_NON_ASCII.findall(text)))
    return out


def wanted() -> set[int]:
    """The code points the subset should have."""
    cps = gb2312() | text_chars()
    for lo, hi in RANGES:
        cps.update(range(lo, hi + 1))
    return cps


def open_face(source: Path, family: str = FACE) -> TTFont:
    """The face named ``family`` in a collection (``.ttc``) or a single font file."""
    if source.suffix.lower() in (".ttc", ".otc"):
        fonts = TTCollection(str(source)).fonts
        for i, font in enumerate(fonts):
            if font["name"].getDebugName(1) == family:
                print(f"{source}: face {i} is {family!r}")
                return font
        names = [f["name"].getDebugName(1) for f in fonts]
        raise SystemExit(f"{source} has no face {family!r}; it has {names}")
    return TTFont(str(source))


def rename(font: TTFont) -> None:
    """Give the subset its own family name (name table and the CFF font name)."""
    name = font["name"]
    full = f"{FAMILY} Regular"
    for rec in list(name.names):
        if rec.nameID in (1, 16):
            rec.string = FAMILY
        elif rec.nameID in (2, 17):
            rec.string = "Regular"
        elif rec.nameID == 4:
            rec.string = full
        elif rec.nameID == 6:
            rec.string = PS_NAME
        elif rec.nameID == 3:
            rec.string = f"{rec.toUnicode()};landopt GB2312 subset"
    # localized (Chinese, Japanese, ...) names of the original family would still say
    # "Noto Sans CJK SC" to some programs: drop the non-English records
    name.names = [r for r in name.names if r.platformID != 3 or r.langID == 0x409]
    name.names = [r for r in name.names if r.platformID != 1 or r.langID == 0]
    if "CFF " in font:
        cff = font["CFF "].cff
        top = cff[cff.fontNames[0]]
        cff.fontNames = [PS_NAME]
        top.FullName = full
        top.FamilyName = FAMILY


def make(source: Path, out: Path) -> list[Path]:
    """Write the OTF and WOFF2 subsets to ``out``; return their paths."""
    font = open_face(source)
    have = set(font.getBestCmap())
    want = wanted()
    missing = sorted(want & set(text_chars()) - have)
    if missing:
        print("not in the source font (drawn with a fallback font):", "".join(map(chr, missing)))
    keep = sorted(want & have)
    opts = subset.Options()
    opts.hinting = False
    opts.desubroutinize = False
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.layout_features = ["kern", "palt", "halt"]
    opts.drop_tables += ["VORG", "vhea", "vmtx", "BASE"]
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=keep)
    sub.subset(font)
    rename(font)
    font.recalcTimestamp = False  # keep the source's date: the same input gives the same bytes
    out.mkdir(parents=True, exist_ok=True)
    otf = out / f"{STEM}.otf"
    font.flavor = None
    font.save(str(otf))
    woff2 = out / f"{STEM}.woff2"
    font.flavor = "woff2"
    font.save(str(woff2))
    hanzi = sum(1 for c in keep if 0x4E00 <= c <= 0x9FFF)
    print(f"{len(keep)} code points ({hanzi} hanzi) of {len(want)} wanted")
    for p in (otf, woff2):
        print(f"wrote {p} ({p.stat().st_size:,} bytes)")
    return [otf, woff2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, default=SOURCE, help=f"default {SOURCE}")
    ap.add_argument("--out", type=Path, default=OUT, help=f"default {OUT.relative_to(ROOT)}")
    args = ap.parse_args()
    make(args.source, args.out)


if __name__ == "__main__":
    main()
