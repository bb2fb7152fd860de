"""Copy the pinned front-end files from node_modules into the package's static folder.

The files come from the npm registry at the versions in package.json / package-lock.json; they are not
committed. `make install` runs this after `npm ci`.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEST = ROOT / "src" / "parkos" / "static" / "vendor"
FILES = {
    "node_modules/@tabler/core/dist/css/tabler.min.css": "tabler.min.css",
    "node_modules/@tabler/core/dist/css/tabler.min.css.map": "tabler.min.css.map",
    "node_modules/@tabler/core/dist/js/tabler.min.js": "tabler.min.js",
    "node_modules/@tabler/core/dist/js/tabler.min.js.map": "tabler.min.js.map",
    "node_modules/htmx.org/dist/htmx.min.js": "htmx.min.js",
    "node_modules/echarts/dist/echarts.min.js": "echarts.min.js",
}


def main() -> int:
    DEST.mkdir(parents=True, exist_ok=True)
    for src, name in FILES.items():
        path = ROOT / src
        if not path.exists():
            sys.stderr.write(f"missing {src}: run `npm ci` first\n")
            return 1
        shutil.copyfile(path, DEST / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
