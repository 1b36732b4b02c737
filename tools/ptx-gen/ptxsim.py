"""Lockstep SIMT interpreter for the PTX subset of Kernel_Run (one CTA of N = 128 threads, or `threads`, at a time; control flow must be
CTA-uniform, which the kernel guarantees). Semantics of ldmatrix / mma follow the PTX ISA text, independently of the kernel."""
import re, struct
import numpy as np

N = 128

class Mem:
    def __init__(self, size):
        self.b = np.zeros(size, dtype=np.uint8)

def parse(ptx):
    body = ptx[ptx.index('.entry'):]
    head, rest = body.split(')', 1)
    params = re.findall(r'\.param (?:\.align \d+ )?\.(b64|b8|b32|f32) (\w+)(?:\[(\d+)\])?', head)
    rest = rest[rest.index('{') + 1: rest.rindex('}')]
    stmts, labels = [], {}
    for raw in rest.split('\n'):
        line = raw.strip()
        if not line or line.startswith('//'):
            continue
        if line == '{' or line == '}':
            stmts.append((line,)); continue
        m = re.match(r'^(L_\w+):$', line)
        if m:
            labels[m.group(1)] = len(stmts); continue
        assert line.endswith(';'), line
        for piece in line[:-1].split(';'):  # several instructions may share a line
            stmts.append(('i', piece.strip()))
    return params, stmts, labels

def ops_split(s):
    out, depth, cur = [], 0, ''
    for ch in s:
        if ch in '{[': depth += 1
        if ch in '}]': depth -= 1
        if ch == ',' and depth == 0:
            out.append(cur.strip()); cur = ''
        else:
            cur += ch
    if cur.strip(): out.append(cur.strip())
    return out

def put(mem, address, array):
    """Writes a numpy array's bytes into global memory at `address`."""
    mem.b[address:address + array.nbytes] = np.frombuffer(array.tobytes(), np.uint8)


def guarded_memory(*arrays):
    """Global memory for a kernel check: the arrays placed one after another, each followed by a 64 KiB gap, and NaN
    (fp16) wherever no array lies, so that a read past an array shows in the result. Returns the memory and the
    arrays' addresses."""
    pos, addresses = 0x1000, []
    for array in arrays:
        addresses.append(pos)
        pos += (array.nbytes + 255) // 256 * 256 + 65536
    mem = Mem(pos + 4096)
    mem.b[:] = np.frombuffer(np.full(len(mem.b) // 2, np.nan, np.float16).tobytes(), np.uint8)
    for array, address in zip(arrays, addresses):
        put(mem, address, array)
    return mem, addresses


def run_cases(cases, argv):
    """Runs the cases named in argv[2] (comma-separated; all by default) and prints ALL OK or FAILURES."""
    chosen = set(argv[2].split(',')) if len(argv) > 2 else {'all'}
    ok = True
    for name, case in cases.items():
        if {'all', name} & chosen:
            ok &= case()
    print("ALL OK" if ok else "FAILURES")


class CTA:
    def __init__(self, params, stmts, labels, pvals, gmem, smem_bytes, ctaid, nctaid, threads=N):
        self.n = threads
        self.stmts, self.labels = stmts, labels
        self.g = gmem
        self.s = Mem(smem_bytes)
        self.smem_bytes = smem_bytes
        self.ctaid, self.nctaid = ctaid, nctaid
        # param buffer
        self.param = {}
        for (ty, name, cnt), v in zip(params, pvals):
            self.param[name] = v  # bytes
        self.scopes = [{}]
        self.tid = np.arange(self.n, dtype=np.uint32)

    # registers
    def lookup(self, name):
        for sc in reversed(self.scopes):
            if name in sc: return sc
        return None
    def declare(self, line):
        m = re.match(r'\.reg \.(\w+)\s+(%\w+?)(?:<(\d+)>)?$', line.replace('\t', ' '))
        ty, name, cnt = m.group(1), m.group(2), m.group(3)
        sc = self.scopes[-1]
        names = [f'{name}{i}' for i in range(int(cnt))] if cnt else [name]
        for n in names:
            if ty == 'pred': sc[n] = np.zeros(self.n, bool)
            elif ty in ('b64', 'u64', 's64'): sc[n] = np.zeros(self.n, np.uint64)
            else: sc[n] = np.zeros(self.n, np.uint32)
    def get(self, x):
        x = x.strip()
        sc = self.lookup(x)
        if sc is not None: return sc[x]
        if x == '%tid.x': return self.tid.copy()
        if x == '%ctaid.x': return np.full(self.n, self.ctaid[0], np.uint32)
        if x == '%ctaid.y': return np.full(self.n, self.ctaid[1], np.uint32)
        if x == '%nctaid.x': return np.full(self.n, self.nctaid[0], np.uint32)
        if x == '%nctaid.y': return np.full(self.n, self.nctaid[1], np.uint32)
        if x == '%dynamic_smem_size': return np.full(self.n, self.smem_bytes, np.uint32)
        if x == '__dyn_shared_alloca': return np.zeros(self.n, np.uint32)
        if x.startswith('0f'): return np.full(self.n, int(x[2:], 16), np.uint32)
        v = int(x, 0)
        return np.full(self.n, v & 0xFFFFFFFFFFFFFFFF, np.uint64) if abs(v) > 0xFFFFFFFF else np.full(self.n, v & 0xFFFFFFFF, np.uint32)
    def set(self, name, val, mask=None):
        sc = self.lookup(name)
        assert sc is not None, name
        old = sc[name]
        val = np.asarray(val)
        if old.dtype == bool: new = val.astype(bool)
        elif old.dtype == np.uint64: new = val.astype(np.uint64) if val.dtype != np.uint64 else val
        else: new = (val.astype(np.uint64) & 0xFFFFFFFF).astype(np.uint32) if val.dtype != np.uint32 else val
        if mask is None: sc[name] = new.copy()
        else: sc[name] = np.where(mask, new, old)

    def addr(self, a):
        m = re.match(r'\[\s*(%\w+)\s*(?:\+\s*(-?\d+))?\s*\]', a)
        base = self.get(m.group(1)).astype(np.int64)
        return base + (int(m.group(2)) if m.group(2) else 0)

    def run(self):
        pc = 0
        st = self.stmts
        while True:
            s = st[pc]
            if s[0] == '{': self.scopes.append({}); pc += 1; continue
            if s[0] == '}': self.scopes.pop(); pc += 1; continue
            line = s[1].replace('\t', ' ')
            if line.startswith('.reg'):
                self.declare(line); pc += 1; continue
            pred = None
            if line.startswith('@'):
                p, line = line.split(None, 1)
                pred = ~self.get(p[2:]).astype(bool) if p.startswith('@!') else self.get(p[1:])
            op, _, rest = line.partition(' ')
            args = ops_split(rest)
            if op == 'ret': return
            if op.startswith('bra'):
                if pred is None or pred.all():
                    pc = self.labels[args[0]]
                else:
                    assert not pred.any(), 'divergent branch'
                    pc += 1
                continue
            self.exec(op, args, pred)
            pc += 1

    def f32(self, x): return self.get(x).view(np.float32) if self.get(x).dtype == np.uint32 else None

    def exec(self, op, a, pred):
        p = op.split('.')
        name = p[0]
        G = self.get
        def i32(x): return G(x).astype(np.uint32).view(np.int32).astype(np.int64)
        def u32(x): return G(x).astype(np.uint64).astype(np.int64) & 0xFFFFFFFF
        def i64(x): return G(x).astype(np.uint64).view(np.int64)
        def f(x): return G(x).astype(np.uint32).view(np.float32)
        def fset(d, v): self.set(d, np.asarray(v, np.float32).view(np.uint32), pred)
        ty = p[-1]
        if name == 'mov':
            v = G(a[1])
            self.set(a[0], v, pred); return
        if name == 'ld' and p[1] == 'param':
            m = re.match(r'\[(\w+)(?:\+(\d+))?\]', a[1]); off = int(m.group(2) or 0)
            raw = self.param[m.group(1)]
            if ty in ('b64',): v = struct.unpack_from('<Q', raw, off)[0]; self.set(a[0], np.full(self.n, v, np.uint64))
            elif ty == 'f32': v = struct.unpack_from('<I', raw, off)[0]; self.set(a[0], np.full(self.n, v, np.uint32))
            else: v = struct.unpack_from('<I', raw, off)[0]; self.set(a[0], np.full(self.n, v, np.uint32))
            return
        if name == 'cvta':
            self.set(a[0], G(a[1])); return
        if name == 'cvt' and p[1] == 's64' and p[2] == 's32':
            self.set(a[0], i32(a[1]).astype(np.uint64)); return
        if name == 'cvt' and p[1] == 'rn' and p[2] == 'f16x2':
            hi = f(a[1]).astype(np.float16).view(np.uint16).astype(np.uint32)
            lo = f(a[2]).astype(np.float16).view(np.uint16).astype(np.uint32)
            self.set(a[0], (hi << 16) | lo, pred); return
        if name in ('add', 'sub', 'mul', 'shl', 'shr', 'and', 'or', 'xor', 'div', 'max', 'neg', 'fma', 'ex2', 'rcp'):
            if ty == 'f32':
                if name == 'add': fset(a[0], f(a[1]) + f(a[2]))
                elif name == 'mul': fset(a[0], f(a[1]) * f(a[2]))
                elif name == 'max': fset(a[0], np.maximum(f(a[1]), f(a[2])))
                elif name == 'neg': fset(a[0], -f(a[1]))
                elif name == 'fma': fset(a[0], (f(a[1]).astype(np.float64) * f(a[2]) + f(a[3])).astype(np.float32))
                elif name == 'ex2':
                    with np.errstate(over='ignore'): fset(a[0], np.exp2(f(a[1]).astype(np.float64)).astype(np.float32))
                elif name == 'rcp':
                    with np.errstate(divide='ignore'): fset(a[0], np.float32(1) / f(a[1]))
                else: raise NotImplementedError(op)
                return
            wide = p[1] == 'wide'
            is64 = ty in ('s64', 'u64', 'b64')
            if is64:
                x = i64(a[1]); y = i64(a[2]) if len(a) > 2 else None
            elif ty == 's32':
                x = i32(a[1]); y = i32(a[2]) if len(a) > 2 else None
            else:
                x = u32(a[1]); y = u32(a[2]) if len(a) > 2 else None
            if name == 'add': r = x + y
            elif name == 'sub': r = x - y
            elif name == 'mul': r = x * y
            elif name == 'shl': r = x << (y & 63)
            elif name == 'shr': r = x >> y
            elif name == 'and': r = x & y
            elif name == 'or': r = x | y
            elif name == 'xor': r = x ^ y
            elif name == 'div': r = np.trunc(x / y).astype(np.int64) if ty == 's32' else x // y
            else: raise NotImplementedError(op)
            if is64 or wide: self.set(a[0], r.astype(np.uint64), pred)
            else: self.set(a[0], (r & 0xFFFFFFFF).astype(np.uint32), pred)
            return
        if name == 'setp':
            cmp = p[1]
            if ty == 'f32': x, y = f(a[1]), f(a[2])
            elif ty in ('s64',): x, y = i64(a[1]), i64(a[2])
            else: x, y = i32(a[1]), i32(a[2])
            r = {'lt': x < y, 'le': x <= y, 'gt': x > y, 'ge': x >= y, 'eq': x == y, 'ne': x != y}[cmp]
            self.set(a[0], r, pred); return
        if name == 'selp':
            c = G(a[3]).astype(bool)
            x, y = G(a[1]), G(a[2])
            if x.dtype != y.dtype: x = x.astype(np.uint32); y = y.astype(np.uint32)
            self.set(a[0], np.where(c, x, y), pred); return
        if name == 'ld' and p[1] == 'global':
            ad = self.addr(a[1])
            v = np.array([int.from_bytes(self.g.b[x:x+4].tobytes(), 'little') for x in ad], np.uint32)
            self.set(a[0], v, pred); return
        if name == 'st' and p[1] == 'global':
            ad = self.addr(a[0]); v = G(a[1]).astype(np.uint32)
            assert pred is None
            for x, y in zip(ad, v):
                self.g.b[x:x+4] = np.frombuffer(int(y).to_bytes(4, 'little'), np.uint8)
            return
        if name == 'cp':
            if p[1] == 'async' and p[2] == 'cg':
                sa = self.addr(a[0]); ga = self.addr(a[1])
                assert pred is None
                for x, y in zip(sa, ga):
                    assert 0 <= x and x + 16 <= self.smem_bytes, x
                    assert 0 <= y and y + 16 <= len(self.g.b), y
                    self.s.b[x:x+16] = self.g.b[y:y+16]
                return
            return  # commit / wait
        if name == 'bar': return
        if name == 'shfl':
            v = G(a[1]); m = int(a[2], 0)
            lane = np.arange(self.n); src = (lane & ~31) | ((lane & 31) ^ m)
            self.set(a[0], v[src], pred); return
        if name == 'ldmatrix':
            trans = 'trans' in p
            dst = [x.strip() for x in a[0].strip('{}').split(',')]
            ad = self.addr(a[1])
            out = [np.zeros(self.n, np.uint32) for _ in range(4)]
            for w in range(self.n // 32):
                rows = []  # rows[m][r] = 8 uint16
                for m in range(4):
                    rows.append([self.s.b[ad[w*32 + m*8 + r]: ad[w*32 + m*8 + r] + 16].view(np.uint16).copy() for r in range(8)])
                    for r in range(8): assert ad[w*32 + m*8 + r] % 16 == 0
                for l in range(32):
                    g, t = l >> 2, l & 3
                    for m in range(4):
                        M = rows[m]
                        if not trans: lo, hi = M[g][2*t], M[g][2*t+1]
                        else: lo, hi = M[2*t][g], M[2*t+1][g]
                        out[m][w*32 + l] = (int(hi) << 16) | int(lo)
            for d, v in zip(dst, out): self.set(d, v)
            return
        if name == 'mma':
            D = [x.strip() for x in a[0].strip('{}').split(',')]
            A = [x.strip() for x in a[1].strip('{}').split(',')]
            B = [x.strip() for x in a[2].strip('{}').split(',')]
            C = [x.strip() for x in a[3].strip('{}').split(',')]
            av = [G(x) for x in A]; bv = [G(x) for x in B]; cv = [G(x).view(np.float32) for x in C]
            outs = [np.zeros(self.n, np.float32) for _ in range(4)]
            def h2(u): return np.array([u & 0xFFFF, u >> 16], np.uint16).view(np.float16).astype(np.float64)
            for w in range(self.n // 32):
                Am = np.zeros((16, 16)); Bm = np.zeros((16, 8)); Cm = np.zeros((16, 8))
                for l in range(32):
                    g, t = l >> 2, l & 3; L = w*32 + l
                    Am[g, 2*t:2*t+2] = h2(int(av[0][L])); Am[g+8, 2*t:2*t+2] = h2(int(av[1][L]))
                    Am[g, 2*t+8:2*t+10] = h2(int(av[2][L])); Am[g+8, 2*t+8:2*t+10] = h2(int(av[3][L]))
                    Bm[2*t:2*t+2, g] = h2(int(bv[0][L])); Bm[2*t+8:2*t+10, g] = h2(int(bv[1][L]))
                    Cm[g, 2*t] = cv[0][L]; Cm[g, 2*t+1] = cv[1][L]; Cm[g+8, 2*t] = cv[2][L]; Cm[g+8, 2*t+1] = cv[3][L]
                Dm = Am @ Bm + Cm
                for l in range(32):
                    g, t = l >> 2, l & 3; L = w*32 + l
                    outs[0][L] = Dm[g, 2*t]; outs[1][L] = Dm[g, 2*t+1]; outs[2][L] = Dm[g+8, 2*t]; outs[3][L] = Dm[g+8, 2*t+1]
            for d, v in zip(D, outs): self.set(d, v.view(np.uint32))
            return
        raise NotImplementedError(op)


class AsyncCopyCTA(CTA):
    """The CTA plus what the tensor-core kernels add: cp.async with a source size (zero fill), landing only at the
    wait_group that retires its commit group (so a wait on the wrong group reads stale data), shared loads and stores,
    lg2, integer min/max, predicated global stores."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pending, self.groups = [], []
        self.s.b[:] = 0xFF  # shared memory starts as NaNs

    def exec(self, op, a, pred):
        p = op.split('.')
        name, ty = p[0], p[-1]
        G = self.get
        if name == 'cp' and len(p) > 2 and p[2] == 'cg' and len(a) == 4:
            # asynchronous: the copy lands in shared memory only when a wait_group retires its group
            assert pred is None
            sa = self.addr(a[0]); ga = self.addr(a[1]); n = G(a[3]).astype(np.int64)
            for x, y, m in zip(sa, ga, n):
                assert 0 <= x and x + 16 <= self.smem_bytes, x
                assert m in (0, 16), m
                if m:
                    assert 0 <= y and y + 16 <= len(self.g.b), y
                self.pending.append((int(x), self.g.b[y:y+16].copy() if m else np.zeros(16, np.uint8)))
            return
        if op == 'cp.async.commit_group':
            self.groups.append(self.pending); self.pending = []
            return
        if op == 'cp.async.wait_group':
            keep = int(a[0])
            while len(self.groups) > keep:
                for x, data in self.groups.pop(0):
                    self.s.b[x:x+16] = data
            return
        if name == 'ld' and p[1] == 'shared':
            assert pred is None and ty == 'f32' and len(p) == 3, op
            ad = self.addr(a[1])
            assert (ad >= 0).all() and (ad + 4 <= self.smem_bytes).all()
            v = np.array([int.from_bytes(self.s.b[x:x+4].tobytes(), 'little') for x in ad], np.uint32)
            self.set(a[0], v); return
        if name == 'st' and p[1] == 'shared':
            assert pred is None
            ad = self.addr(a[0])
            regs = [x.strip() for x in a[1].strip('{}').split(',')]
            for k, r in enumerate(regs):
                v = G(r).astype(np.uint32)
                for x, y in zip(ad + 4 * k, v):
                    assert 0 <= x and x + 4 <= self.smem_bytes, x
                    self.s.b[x:x+4] = np.frombuffer(int(y).to_bytes(4, 'little'), np.uint8)
            return
        if name == 'st' and p[1] == 'global' and pred is not None:
            ad = self.addr(a[0]); v = G(a[1]).astype(np.uint32)
            for x, y, m in zip(ad, v, pred.astype(bool)):
                if m:
                    assert 0 <= x and x + 4 <= len(self.g.b), x
                    self.g.b[x:x+4] = np.frombuffer(int(y).to_bytes(4, 'little'), np.uint8)
            return
        if name == 'lg2':
            x = G(a[1]).astype(np.uint32).view(np.float32).astype(np.float64)
            with np.errstate(divide='ignore', invalid='ignore'):
                r = np.log2(x).astype(np.float32)
            self.set(a[0], r.view(np.uint32), pred); return
        if name in ('min', 'max') and ty == 's32':
            x = G(a[1]).astype(np.uint32).view(np.int32).astype(np.int64)
            y = G(a[2]).astype(np.uint32).view(np.int32).astype(np.int64)
            r = np.minimum(x, y) if name == 'min' else np.maximum(x, y)
            self.set(a[0], (r & 0xFFFFFFFF).astype(np.uint32), pred); return
        return super().exec(op, a, pred)
