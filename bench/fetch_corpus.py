"""Fetch the benchmark text: the Canterbury corpus files shipped in the brotli source distribution.

    python -m bench.fetch_corpus            # -> bench/out/corpus/alice29.txt (+ asyoulik, lcet10, plrabn12)

alice29.txt is Lewis Carroll's "Alice's Adventures in Wonderland" (public domain; ~39,000 SmolLM2 tokens).
The files come from PyPI through pip itself (`pip download --no-binary :all: brotli==1.2.1`), so this
works wherever pip does; line endings are normalized to "\\n". bench/out/ is git-ignored.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

BROTLI_SDIST = "brotli==1.2.1"
FILES = ("alice29.txt", "asyoulik.txt", "lcet10.txt", "plrabn12.txt")
DEFAULT_DEST = Path(__file__).resolve().parent / "out" / "corpus"


def fetch(dest: Path) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:"]
        subprocess.run([*pip, BROTLI_SDIST, "-d", tmp], check=True)
        (sdist,) = Path(tmp).glob("*.tar.gz")
        written = []
        with tarfile.open(sdist) as archive:
            for member in archive.getmembers():
                name = Path(member.name).name
                if name in FILES and "/tests/testdata/" in member.name:
                    data = archive.extractfile(member).read().decode("latin-1")
                    out = dest / name
                    out.write_text(data.replace("\r\n", "\n"), encoding="utf-8")
                    written.append(out)
    missing = set(FILES) - {p.name for p in written}
    if missing:
        raise SystemExit(f"{BROTLI_SDIST} sdist lacks {sorted(missing)}")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST, help="folder to write the texts into")
    args = parser.parse_args()
    for path in fetch(args.dest):
        print(path)


if __name__ == "__main__":
    main()
