#!/usr/bin/env bash
# Every relative Markdown link in README.md, PROTOCOL.md and docs/ names a
# file that exists, and every #anchor names a heading of its target (GitHub's
# heading ids: lowercase, punctuation dropped, spaces as hyphens, -1, -2 for
# repeats).  Links inside code blocks (fenced, or indented by 4 spaces or a
# tab) and code spans are text, not links;
# http(s) and mailto links are not followed.  A self-test first shows that a
# missing file and a missing anchor are both caught.
# Usage: scripts/check-links.sh [file.md...]   Prints ok/FAIL lines and RESULT.
cd "$(dirname "$0")/.." || exit 1
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# Prints one line per broken link ("file: target: why"); exit 1 if any.
broken_links() {
	python3 - "$@" <<'PY'
import os, re, sys

def slug(text):
    text = re.sub(r'`|\*', '', text)  # code and emphasis markup
    text = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', text)
    s = ''.join(c for c in text.strip().lower() if c.isalnum() or c in ' -_')
    return s.replace(' ', '-')

def lines(path):
    """(line, True if inside a fenced code block or its fence) for each line."""
    fence = None
    for line in open(path, encoding='utf-8'):
        m = re.match(r'^\s*(```+|~~~+)', line)
        if m:
            if fence is None:
                fence = m.group(1)[:3]
            elif m.group(1).startswith(fence):
                fence = None
            yield line, True
            continue
        yield line, fence is not None

def prose(path):
    """The file's lines outside code blocks, with code spans removed."""
    return ['' if code or re.match(r'^(    |\t)', line) else re.sub(r'(`+).*?\1', '', line)
            for line, code in lines(path)]

anchors_of = {}
def anchors(path):
    """GitHub's ids for the headings of path (outside code blocks)."""
    if path not in anchors_of:
        seen, ids = {}, set()
        for line, code in lines(path):
            m = None if code else re.match(r'^#{1,6}\s+(.*?)\s*#*\s*$', line)
            if not m:
                continue
            base = slug(m.group(1))
            n = seen.get(base, 0)
            seen[base] = n + 1
            ids.add(base if n == 0 else '%s-%d' % (base, n))
        anchors_of[path] = ids
    return anchors_of[path]

bad = 0
for src in sys.argv[1:]:
    for line in prose(src):
        for target in re.findall(r'\]\(([^)\s]+)(?:\s+"[^"]*")?\)', line):
            if re.match(r'^[a-z][a-z0-9+.-]*:', target):
                continue
            path, _, anchor = target.partition('#')
            dest = os.path.normpath(os.path.join(os.path.dirname(src), path)) if path else src
            if not os.path.exists(dest):
                print('%s: %s: no such file' % (src, target)); bad += 1
            elif anchor and (not dest.endswith('.md') or anchor not in anchors(dest)):
                print('%s: %s: no such heading' % (src, target)); bad += 1
sys.exit(1 if bad else 0)
PY
}

if ! command -v python3 >/dev/null; then
	echo "check-links: python3 missing (scripts/deps.sh installs it)"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aslrboot-links.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/docs"
printf '# Top\n\n## A `code` heading: yes\n\nsee [b](docs/b.md#part-two) and [a](#a-code-heading-yes)\n' >"$tmp/a.md"
printf '# B\n\n## Part two\n\n```\n[not a link](nowhere.md)\n```\n' >"$tmp/docs/b.md"
if out=$(broken_links "$tmp/a.md" "$tmp/docs/b.md"); then
	ok "self-test: good links pass"
else
	fail "self-test: good links pass: $out"
fi
printf '[gone](docs/gone.md) [bad anchor](docs/b.md#part-three)\n' >"$tmp/c.md"
if ! out=$(broken_links "$tmp/c.md") && grep -q 'docs/gone.md: no such file' <<<"$out" &&
	grep -q 'docs/b.md#part-three: no such heading' <<<"$out"; then
	ok "self-test: a missing file and a missing heading are caught"
else
	fail "self-test: a missing file and a missing heading are caught: $out"
fi

files=("$@")
[ ${#files[@]} -gt 0 ] || files=(README.md PROTOCOL.md docs/*.md)
for f in "${files[@]}"; do
	if out=$(broken_links "$f"); then
		ok "$f: every relative link resolves"
	else
		fail "$f: broken links:"
		printf '%s\n' "$out"
	fi
done
echo "RESULT passed=$passed failed=$failed"
[ "$failed" -eq 0 ]
