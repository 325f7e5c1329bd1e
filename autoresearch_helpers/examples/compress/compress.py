"""An LZSS compressor for the format codec.py decodes (its docstring describes it).

At each position it looks for an earlier occurrence of the next bytes: the positions
where the same MIN_MATCH bytes began are kept in a hash chain, and the MAX_CHAIN most
recent of those within WINDOW bytes are tried. The longest match wins; with none long
enough the byte goes out as a literal.
"""

WINDOW = 512  # autoresearch: tune 64..65535 int log
MIN_MATCH = 5  # autoresearch: tune 3..12 int
MAX_CHAIN = 2  # autoresearch: tune 1..128 int log
MAX_LENGTH = 258  # the format's longest match


def compress(data):
    out = bytearray()
    tokens, flags, flag_at = 0, 0, 0
    heads = {}  # MIN_MATCH bytes -> the positions they began at, most recent last
    i, n = 0, len(data)
    while i < n:
        if tokens % 8 == 0:
            if tokens:
                out[flag_at] = flags
            flag_at, flags = len(out), 0
            out.append(0)
        best_len, best_dist = 0, 0
        key = data[i:i + MIN_MATCH]
        chain = heads.get(key, ())
        for start in reversed(chain[-MAX_CHAIN:]):
            distance = i - start
            if distance > WINDOW or distance > 65535:
                break
            length = 0
            limit = min(MAX_LENGTH, n - i)
            while length < limit and data[start + length] == data[i + length]:
                length += 1
            if length > best_len:
                best_len, best_dist = length, distance
        step = best_len if best_len >= max(MIN_MATCH, 3) else 1
        if step > 1:
            flags |= 1 << (tokens % 8)
            out += bytes((best_dist >> 8, best_dist & 255, best_len - 3))
        else:
            out.append(data[i])
        for j in range(i, min(i + step, n - MIN_MATCH + 1)):
            heads.setdefault(data[j:j + MIN_MATCH], []).append(j)
        i += step
        tokens += 1
    if tokens:
        out[flag_at] = flags  # the last group's flags
    return bytes(out)
