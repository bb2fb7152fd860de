"""Copy the pinned front-end files from node_modules into the package's static folder.

The files come from the npm registry at the versions in package.json / package-lock.json; they are not
committed. `make install` runs this after `npm ci`.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEST = ROOT / "src" / "parkos" / "static" / "vendor"
FILES = {
    "node_modules/@tabler/core/dist/css/tabler.min.css": "tabler.min.css",
    "node_modules/@tabler/core/dist/js/tabler.min.js": "tabler.min.js",
    "node_modules/htmx.org/dist/htmx.min.js": "htmx.min.js",
    "node_modules/echarts/dist/echarts.min.js": "echarts.min.js",
    "node_modules/swagger-ui-dist/swagger-ui-bundle.js": "swagger-ui-bundle.js",  # the API docs, served offline
    "node_modules/swagger-ui-dist/swagger-ui.css": "swagger-ui.css",
}


_MAP_COMMENT = re.compile(r"/\*# sourceMappingURL=[^*]*\*/|//# sourceMappingURL=\S*")


def main() -> int:
    DEST.mkdir(parents=True, exist_ok=True)
    for stale in DEST.glob("*.map"):
        stale.unlink()
    for src, name in FILES.items():
        path = ROOT / src
        if not path.exists():
            sys.stderr.write(f"missing {src}: run `npm ci` first\n")
            return 1
        # source maps are not shipped: drop the comments that point at them (collectstatic's manifest would
        # otherwise require the .map files)
        text = _MAP_COMMENT.sub("", path.read_text(encoding="utf-8"))
        (DEST / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
