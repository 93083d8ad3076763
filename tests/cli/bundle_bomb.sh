#!/usr/bin/env bash
# Hostile bundles cannot make `predict --model` use much memory: an entry the
# manifest does not list is never inflated (a 1 GiB one in a ~1 MB bundle
# used to cost 1.6 GB), and a listed entry whose ZIP headers understate its
# size is stopped once it inflates past them (Corruption, exit 4).
source "$(dirname "$0")/../support/cli_lib.sh"
PY=/usr/bin/python3
DATA="$N4A_SOURCE_DIR/data/gasoline.csv"
MAX_RSS_KB=300000

cat > "$TMP/config.json" <<JSON
{"dataset": {"path": "$DATA", "target": "octane"}, "cv": {"type": "kfold", "n_splits": 3},
 "pipeline": [{"op": "SNV"}, {"model": "PLSRegression", "n_components": 5}]}
JSON
expect_exit 0 "$N4A" run "$TMP/config.json" -w "$TMP/ws" -q
expect_exit 0 "$N4A" -w "$TMP/ws" export chain "$(sql "SELECT chain_id FROM chains LIMIT 1")" \
  "$TMP/model.n4a"
(head -1 "$DATA"; sed -n 2,11p "$DATA") > "$TMP/new.csv"

# hostile.n4a: the bundle plus an unlisted 1 GiB entry of zeros.
# lying.n4a: the first listed artifact replaced by 1 GiB of zeros whose local
# and central headers claim the artifact's real size.
$PY - "$TMP" <<'PYTHON' || fail "crafting the bundles"
import json, struct, sys, zipfile
tmp = sys.argv[1]
GIB, CHUNK = 1 << 30, b"\0" * (1 << 20)

def copy_with(path, replace=None, extra=None):
    src = zipfile.ZipFile(f"{tmp}/model.n4a")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename == replace:
                zeros(out, info.filename)
            else:
                out.writestr(info.filename, src.read(info.filename))
        if extra:
            zeros(out, extra)

def zeros(out, name):
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with out.open(info, "w") as f:
        for _ in range(GIB // len(CHUNK)):
            f.write(CHUNK)

def patch_size(path, name, size):
    data = bytearray(open(path, "rb").read())
    info = zipfile.ZipFile(path).getinfo(name)
    struct.pack_into("<I", data, info.header_offset + 22, size)   # local header
    pos = 0
    while True:
        pos = data.find(b"PK\x01\x02", pos)
        n = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46:pos + 46 + n] == name.encode():
            struct.pack_into("<I", data, pos + 24, size)              # central directory
            break
        pos += 4
    open(path, "wb").write(bytes(data))

manifest = json.loads(zipfile.ZipFile(f"{tmp}/model.n4a").read("manifest.json"))
artifact = next(iter(manifest["artifacts"].values()))
copy_with(f"{tmp}/hostile.n4a", extra="padding/zeros.bin")
copy_with(f"{tmp}/lying.n4a", replace=artifact["path"])
patch_size(f"{tmp}/lying.n4a", artifact["path"], artifact["size_bytes"])
PYTHON
size=$(stat -c %s "$TMP/hostile.n4a")
[ "$size" -lt 3000000 ] || fail "the hostile bundle is $size bytes"

max_rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/err.txt"; }

# Baseline: the bundle itself.
expect_exit 0 /usr/bin/time -v "$N4A" predict --model "$TMP/model.n4a" "$TMP/new.csv" --format csv
cp "$TMP/out.txt" "$TMP/expected.csv"
echo "predict on the bundle: max RSS $(max_rss) kB"

# The unlisted entry is ignored: same predictions, bounded memory.
expect_exit 0 /usr/bin/time -v "$N4A" predict --model "$TMP/hostile.n4a" "$TMP/new.csv" --format csv
rss=$(max_rss)
echo "predict on the bundle with an unlisted 1 GiB entry: max RSS $rss kB"
[ "$rss" -lt $MAX_RSS_KB ] || fail "predict used $rss kB on an unlisted 1 GiB entry"
cmp -s "$TMP/out.txt" "$TMP/expected.csv" || fail "predictions changed"

# The understated entry: Corruption, bounded memory.
expect_exit 4 /usr/bin/time -v "$N4A" predict --model "$TMP/lying.n4a" "$TMP/new.csv"
rss=$(max_rss)
echo "predict on the bundle with a lying 1 GiB artifact: max RSS $rss kB"
grep -q "inflates beyond the .* bytes its directory records" "$TMP/err.txt" ||
  fail "lying entry: $(cat "$TMP/err.txt")"
[ "$rss" -lt $MAX_RSS_KB ] || fail "predict used $rss kB on a lying entry"
echo "ok"
