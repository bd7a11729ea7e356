;; Dice-coefficient kernel for CLKs (Bloom-filter encodings); src/link/dice.ts is its only caller.
;;
;; Layout (all offsets in bytes, chosen by dice.ts): CLKs of `words` 64-bit words each, one after the
;; other from $clk (CLK i at $clk + i·8·words); their popcounts as u32 from $pop (popcount i at $pop + 4i);
;; index lists, outputs and scratch elsewhere. `words` is even (a CLK is a multiple of 128 bits), so the
;; word loop takes two words per turn. Scalar i64.popcnt is used: the same top_k with SIMD128
;; (v128.and, i8x16.popcnt, byte lanes summed every 16 vectors) measured 20–25 % slower on Node 20/x64.
;;
;; Dice(a, b) = f32(2·|a∧b|) / f32(max(|a| + |b|, 1)) — one correctly rounded f32 division, so 0 when both
;; popcounts are 0 and bit-exact with Math.fround(2·and / (pa + pb)) in JavaScript.
(module
  (memory (export "memory") 1)

  ;; comparisons made by the last top_k call (u64, read through `comparisons`)
  (global $comparisons (mut i64) (i64.const 0))

  (func (export "comparisons") (result f64)
    (f64.convert_i64_u (global.get $comparisons)))

  ;; out[i] = popcount of CLK i, for i < n
  (func (export "popcounts") (param $clk i32) (param $n i32) (param $words i32) (param $out i32)
    (local $x i32) (local $e i32) (local $end i32) (local $acc i64)
    (local.set $x (local.get $clk))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $clks
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $e (i32.add (local.get $x) (i32.shl (local.get $words) (i32.const 3))))
        (local.set $acc (i64.const 0))
        (loop $w
          (local.set $acc (i64.add (local.get $acc) (i64.add
            (i64.popcnt (i64.load (local.get $x)))
            (i64.popcnt (i64.load offset=8 (local.get $x))))))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (br_if $w (i32.lt_u (local.get $x) (local.get $e))))
        (i32.store (local.get $out) (i32.wrap_i64 (local.get $acc)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $clks))))

  ;; position of the first i32 in list[0..n) that is not < count (unsigned), or -1
  (func (export "check_indices") (param $list i32) (param $n i32) (param $count i32) (result i32)
    (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.ge_u (i32.load (i32.add (local.get $list) (i32.shl (local.get $i) (i32.const 2))))
                      (local.get $count))
          (then (return (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i32.const -1))

  ;; out[i] = Dice(CLK a[i], CLK b[i]) as f32, for i < n. Returns -1, or the first i whose a[i] or b[i]
  ;; is not < count (out[0..i) are then written, the rest not).
  (func (export "score_pairs") (param $clk i32) (param $pop i32) (param $words i32) (param $count i32)
      (param $a i32) (param $b i32) (param $n i32) (param $out i32) (result i32)
    (local $bytes i32) (local $i i32) (local $ia i32) (local $ib i32) (local $x i32) (local $y i32)
    (local $e i32) (local $acc i64) (local $d i32)
    (local.set $bytes (i32.shl (local.get $words) (i32.const 3)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $ia (i32.load (local.get $a)))
        (local.set $ib (i32.load (local.get $b)))
        (if (i32.or (i32.ge_u (local.get $ia) (local.get $count)) (i32.ge_u (local.get $ib) (local.get $count)))
          (then (return (local.get $i))))
        ;; |a ∧ b|, inlined: a function call per pair measured ~10 % slower in top_k
        (local.set $x (i32.add (local.get $clk) (i32.mul (local.get $ia) (local.get $bytes))))
        (local.set $y (i32.add (local.get $clk) (i32.mul (local.get $ib) (local.get $bytes))))
        (local.set $e (i32.add (local.get $x) (local.get $bytes)))
        (local.set $acc (i64.const 0))
        (loop $w
          (local.set $acc (i64.add (local.get $acc) (i64.add
            (i64.popcnt (i64.and (i64.load (local.get $x)) (i64.load (local.get $y))))
            (i64.popcnt (i64.and (i64.load offset=8 (local.get $x)) (i64.load offset=8 (local.get $y)))))))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $y (i32.add (local.get $y) (i32.const 16)))
          (br_if $w (i32.lt_u (local.get $x) (local.get $e))))
        (local.set $d (i32.add
          (i32.load (i32.add (local.get $pop) (i32.shl (local.get $ia) (i32.const 2))))
          (i32.load (i32.add (local.get $pop) (i32.shl (local.get $ib) (i32.const 2))))))
        (f32.store (local.get $out)
          (f32.div (f32.convert_i32_u (i32.shl (i32.wrap_i64 (local.get $acc)) (i32.const 1)))
                   (f32.convert_i32_u (select (local.get $d) (i32.const 1) (local.get $d)))))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $pairs)))
    (i32.const -1))

  ;; The Dice bound of the length filter: Dice(a, b) ≤ 2·min(|a|, |b|) / (|a| + |b|), evaluated in f32
  ;; like the score (f32 division is monotonic, so the f32 bound also bounds the f32 score).
  (func $bound (param $x i32) (param $p i32) (result f32)
    (local $d i32)
    (local.set $d (i32.add (local.get $x) (local.get $p)))
    (f32.div
      (f32.convert_i32_u (i32.shl (select (local.get $x) (local.get $p) (i32.lt_u (local.get $x) (local.get $p)))
                                  (i32.const 1)))
      (f32.convert_i32_u (select (local.get $d) (i32.const 1) (local.get $d)))))

  ;; Smallest x in [0, p] with bound(x, p) ≥ t (p + 1 if none): the bound rises with x up to p.
  (func $lo (param $p i32) (param $t f32) (result i32)
    (local $l i32) (local $h i32) (local $m i32)
    (local.set $h (i32.add (local.get $p) (i32.const 1)))
    (block $done
      (loop $bisect
        (br_if $done (i32.ge_u (local.get $l) (local.get $h)))
        (local.set $m (i32.shr_u (i32.add (local.get $l) (local.get $h)) (i32.const 1)))
        (if (f32.ge (call $bound (local.get $m) (local.get $p)) (local.get $t))
          (then (local.set $h (local.get $m)))
          (else (local.set $l (i32.add (local.get $m) (i32.const 1)))))
        (br $bisect)))
    (local.get $l))

  ;; Largest x in [p, max] with bound(x, p) ≥ t (p − 1 if none): the bound falls with x from p on.
  (func $hi (param $p i32) (param $t f32) (param $max i32) (result i32)
    (local $l i32) (local $h i32) (local $m i32)
    (local.set $l (local.get $p))
    (local.set $h (i32.add (local.get $max) (i32.const 1)))
    (block $done
      (loop $bisect
        (br_if $done (i32.ge_u (local.get $l) (local.get $h)))
        (local.set $m (i32.shr_u (i32.add (local.get $l) (local.get $h)) (i32.const 1)))
        (if (f32.ge (call $bound (local.get $m) (local.get $p)) (local.get $t))
          (then (local.set $l (i32.add (local.get $m) (i32.const 1))))
          (else (local.set $h (local.get $m))))
        (br $bisect)))
    (i32.sub (local.get $l) (i32.const 1)))

  ;; For each query q = queries[i] (i < nq), every candidate c = candidates[j] (j < nc): keeps the pairs
  ;; with Dice ≥ t, at most k per query, the best first (ties: the earlier candidate first). Writes the
  ;; kept pairs query after query to oq (i32 q), oc (i32 c) and os (f32 score), which have room for
  ;; nq·k entries; returns how many. Indices must have been checked (check_indices).
  ;;
  ;; Candidates are skipped without comparing when their popcount is outside [lo, hi], the popcounts whose
  ;; Dice bound reaches the current threshold: t, then, once k pairs are kept, the k-th best score (a
  ;; candidate must beat it strictly to enter). A candidate whose score is certainly below the threshold
  ;; (2·and < t·(1 − 2⁻²⁰)·(pq + pc), in f64) skips the division.
  (func (export "top_k") (param $clk i32) (param $pop i32) (param $words i32)
      (param $queries i32) (param $nq i32) (param $candidates i32) (param $nc i32) (param $t f32) (param $k i32)
      (param $oq i32) (param $oc i32) (param $os i32) (result i32)
    (local $bytes i32) (local $max i32) (local $qi i32) (local $q i32) (local $pq i32) (local $qx i32)
    (local $cp i32) (local $cend i32) (local $c i32) (local $pc i32)
    (local $lo i32) (local $span i32) (local $teff f32) (local $tlow f64)
    (local $x i32) (local $y i32) (local $e i32) (local $acc i64) (local $two i32) (local $d i32) (local $s f32)
    (local $count i32) (local $m i32) (local $j i32) (local $at i32) (local $ncmp i32)
    (local.set $bytes (i32.shl (local.get $words) (i32.const 3)))
    (local.set $max (i32.shl (local.get $words) (i32.const 6)))
    (local.set $cend (i32.add (local.get $candidates) (i32.shl (local.get $nc) (i32.const 2))))
    (global.set $comparisons (i64.const 0))
    (block $queries_done
      (loop $per_query
        (br_if $queries_done (i32.ge_u (local.get $qi) (local.get $nq)))
        (local.set $q (i32.load (i32.add (local.get $queries) (i32.shl (local.get $qi) (i32.const 2)))))
        (local.set $pq (i32.load (i32.add (local.get $pop) (i32.shl (local.get $q) (i32.const 2)))))
        (local.set $qx (i32.add (local.get $clk) (i32.mul (local.get $q) (local.get $bytes))))
        (local.set $m (i32.const 0))
        (local.set $ncmp (i32.const 0))
        (local.set $teff (local.get $t))
        (local.set $tlow (f64.mul (f64.promote_f32 (local.get $t)) (f64.const 0x1.ffffep-1)))
        (local.set $lo (call $lo (local.get $pq) (local.get $teff)))
        ;; span = hi − lo; negative (huge unsigned) only when no popcount passes: skip the query
        (local.set $span (i32.sub (call $hi (local.get $pq) (local.get $teff) (local.get $max)) (local.get $lo)))
        (if (i32.ge_s (local.get $span) (i32.const 0))
          (then
            (local.set $cp (local.get $candidates))
            (block $candidates_done
              (loop $per_candidate
                (br_if $candidates_done (i32.ge_u (local.get $cp) (local.get $cend)))
                (local.set $c (i32.load (local.get $cp)))
                (local.set $cp (i32.add (local.get $cp) (i32.const 4)))
                (local.set $pc (i32.load (i32.add (local.get $pop) (i32.shl (local.get $c) (i32.const 2)))))
                ;; length filter: pc outside [lo, hi]
                (br_if $per_candidate (i32.gt_u (i32.sub (local.get $pc) (local.get $lo)) (local.get $span)))
                (local.set $ncmp (i32.add (local.get $ncmp) (i32.const 1)))
                ;; |q ∧ c|, inlined
                (local.set $x (local.get $qx))
                (local.set $y (i32.add (local.get $clk) (i32.mul (local.get $c) (local.get $bytes))))
                (local.set $e (i32.add (local.get $x) (local.get $bytes)))
                (local.set $acc (i64.const 0))
                (loop $w
                  (local.set $acc (i64.add (local.get $acc) (i64.add
                    (i64.popcnt (i64.and (i64.load (local.get $x)) (i64.load (local.get $y))))
                    (i64.popcnt (i64.and (i64.load offset=8 (local.get $x)) (i64.load offset=8 (local.get $y)))))))
                  (local.set $x (i32.add (local.get $x) (i32.const 16)))
                  (local.set $y (i32.add (local.get $y) (i32.const 16)))
                  (br_if $w (i32.lt_u (local.get $x) (local.get $e))))
                (local.set $two (i32.shl (i32.wrap_i64 (local.get $acc)) (i32.const 1)))
                (local.set $d (i32.add (local.get $pq) (local.get $pc)))
                ;; certainly below the threshold: no division
                (br_if $per_candidate (f64.lt (f64.convert_i32_u (local.get $two))
                                              (f64.mul (local.get $tlow) (f64.convert_i32_u (local.get $d)))))
                (local.set $s (f32.div (f32.convert_i32_u (local.get $two))
                                       (f32.convert_i32_u (select (local.get $d) (i32.const 1) (local.get $d)))))
                ;; free slot (m < k): enter when s ≥ t; full: enter when s beats the k-th best, which it replaces
                (if (i32.lt_u (local.get $m) (local.get $k))
                  (then
                    (br_if $per_candidate (f32.lt (local.get $s) (local.get $teff)))
                    (local.set $j (local.get $m))
                    (local.set $m (i32.add (local.get $m) (i32.const 1))))
                  (else
                    (br_if $per_candidate (f32.le (local.get $s) (local.get $teff)))
                    (local.set $j (i32.sub (local.get $k) (i32.const 1)))))
                ;; insertion: shift the worse entries one down; $at is the byte offset of slot count + j
                (local.set $at (i32.shl (i32.add (local.get $count) (local.get $j)) (i32.const 2)))
                (block $placed
                  (loop $shift
                    (br_if $placed (i32.eqz (local.get $j)))
                    (br_if $placed (f32.ge (f32.load offset=0 (i32.sub (i32.add (local.get $os) (local.get $at)) (i32.const 4)))
                                           (local.get $s)))
                    (f32.store (i32.add (local.get $os) (local.get $at))
                               (f32.load (i32.sub (i32.add (local.get $os) (local.get $at)) (i32.const 4))))
                    (i32.store (i32.add (local.get $oc) (local.get $at))
                               (i32.load (i32.sub (i32.add (local.get $oc) (local.get $at)) (i32.const 4))))
                    (local.set $at (i32.sub (local.get $at) (i32.const 4)))
                    (local.set $j (i32.sub (local.get $j) (i32.const 1)))
                    (br $shift)))
                (f32.store (i32.add (local.get $os) (local.get $at)) (local.get $s))
                (i32.store (i32.add (local.get $oc) (local.get $at)) (local.get $c))
                ;; full: the k-th best score becomes the threshold, and the popcount window narrows
                (if (i32.eq (local.get $m) (local.get $k))
                  (then
                    (local.set $teff (f32.load (i32.add (local.get $os) (i32.shl
                      (i32.sub (i32.add (local.get $count) (local.get $k)) (i32.const 1)) (i32.const 2)))))
                    (local.set $tlow (f64.mul (f64.promote_f32 (local.get $teff)) (f64.const 0x1.ffffep-1)))
                    (local.set $lo (call $lo (local.get $pq) (local.get $teff)))
                    (local.set $span (i32.sub (call $hi (local.get $pq) (local.get $teff) (local.get $max))
                                              (local.get $lo)))))
                (br $per_candidate)))))
        ;; the query index of this query's entries
        (local.set $j (local.get $count))
        (local.set $count (i32.add (local.get $count) (local.get $m)))
        (block $filled
          (loop $fill
            (br_if $filled (i32.ge_u (local.get $j) (local.get $count)))
            (i32.store (i32.add (local.get $oq) (i32.shl (local.get $j) (i32.const 2))) (local.get $q))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $fill)))
        (global.set $comparisons (i64.add (global.get $comparisons) (i64.extend_i32_u (local.get $ncmp))))
        (local.set $qi (i32.add (local.get $qi) (i32.const 1)))
        (br $per_query)))
    (local.get $count))
)
