#!/usr/bin/env python3
"""What the built SPA (scripts/build-spa.sh) sends, in bytes as the server sends them
(brotli; gzip for clients without it): the login page's first visit, then the code of
each lazy page, fetched the first time the user goes there — its split module and the
shared chunks it needs, as the loader (__wasm_split-*.js) lists them. A chunk already
fetched for another page is not fetched again, so the pages' figures overlap.

    python3 scripts/spa-sizes.py [frontend/dist] [--budget BYTES]

With --budget, exits non-zero when the code of the first visit — its wasm and
JavaScript, gzip (what a client without brotli receives) — is over BYTES: make test
holds it to 300,000 (scripts/e2e.sh).
"""
import re
import sys
from pathlib import Path

args = sys.argv[1:]
budget = int(args.pop(args.index("--budget") + 1)) if "--budget" in args else None
if "--budget" in args:
    args.remove("--budget")
dist = Path(args[0] if args else "frontend/dist")
assets = dist / "assets"


def sent(path: Path, ext: str = "br") -> int:
    packed = path.with_name(f"{path.name}.{ext}")
    return (packed if packed.exists() else path).stat().st_size


def one(pattern: str) -> Path:
    found = sorted(assets.glob(pattern))
    if len(found) != 1:
        sys.exit(f"spa-sizes: {len(found)} files match assets/{pattern}")
    return found[0]


main = one("debtflow_bg-*.wasm")
first = [dist / "index.html", one("debtflow-*.js"), one("__wasm_split-*.js"), main, one("style-*.css")]
print(
    f"spa: first visit (login): {sum(sent(f) for f in first):,} bytes brotli, "
    f"{sum(sent(f, 'gz') for f in first):,} gzip, in {len(first)} files "
    f"(main module {main.stat().st_size:,} bytes unpacked)"
)

loader = first[2].read_text()
url = r'fetch\(new URL\("\./([^"]+)"'
chunks = dict(re.findall(r"const (__chunk_\d+) = makeLoad\(\(\) => \{\s*const src = " + url, loader))
pages = re.findall(r"export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad\(\(\) => \{\s*const src = "
                   + url + r".*?\n, \[([^\]]*)\]", loader, re.S)
if not pages:
    sys.exit("spa-sizes: no lazy page in the loader")
needs = {name: [assets / split, *(assets / chunks[d.strip()] for d in deps.split(",") if d.strip())]
         for name, split, deps in pages}
print("spa: each page's code on its first visit (brotli; a chunk shared with a page seen before is not fetched again):")
for name, files in sorted(needs.items(), key=lambda page: -sum(map(sent, page[1]))):
    print(f"  {name:<14} {sum(map(sent, files)):>8,} bytes in {len(files):>3} files (its own module {sent(files[0]):,})")
lazy = [*assets.glob("split_*.wasm"), *assets.glob("chunk_*.wasm")]
largest = max(lazy, key=sent)
print(f"spa: {len(lazy)} lazy modules, {sum(sent(f) for f in lazy):,} bytes brotli in all; "
      f"the largest {largest.name}, {sent(largest):,}")

code = sum(sent(f, "gz") for f in first if f.suffix in (".wasm", ".js"))
if budget is not None:
    verdict = "within" if code <= budget else "OVER"
    print(f"spa: the first visit's wasm and JavaScript: {code:,} bytes gzip, {verdict} the budget of {budget:,}")
    if code > budget:
        sys.exit(1)
