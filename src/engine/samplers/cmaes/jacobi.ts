/**
 * Eigendecomposition of a small symmetric matrix by the cyclic Jacobi method (Jacobi 1846; the rotation
 * formulas as in Golub & Van Loan, "Matrix Computations", §8.5): plane rotations zero one off-diagonal
 * element at a time until the off-diagonal mass is negligible. O(n³) per sweep and a handful of sweeps, which
 * is plenty for CMA-ES on tens of dimensions, and unconditionally stable for symmetric input.
 */

/** Eigenvalues and orthonormal eigenvectors of a symmetric matrix. */
export interface SymmetricEigen {
  /** Eigenvalues, ascending. */
  readonly values: number[];
  /** `vectors[i][j]` is component i of the eigenvector of `values[j]` (eigenvectors are the columns). */
  readonly vectors: number[][];
}

/** Sweeps before giving up (convergence is quadratic; real matrices need fewer than 10). */
const MAX_SWEEPS = 64;

/**
 * Eigendecomposition of the symmetric matrix `a` (only its values are read; the upper and lower triangles are
 * averaged first, so small asymmetries from rounding are harmless). Never throws for finite input.
 */
export function symmetricEigen(a: readonly (readonly number[])[]): SymmetricEigen {
  const n = a.length;
  const m: number[][] = [];
  const v: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    const id: number[] = [];
    for (let j = 0; j < n; j++) {
      row.push(((a[i]?.[j] ?? 0) + (a[j]?.[i] ?? 0)) / 2);
      id.push(i === j ? 1 : 0);
    }
    m.push(row);
    v.push(id);
  }
  const at = (r: number[][], i: number, j: number): number => r[i]?.[j] ?? 0;
  const set = (r: number[][], i: number, j: number, x: number): void => {
    const row = r[i];
    if (row !== undefined) row[j] = x;
  };

  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += at(m, i, i) ** 2;
      for (let j = i + 1; j < n; j++) off += at(m, i, j) ** 2;
    }
    if (off === 0 || off <= 1e-30 * diag) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = at(m, p, q);
        if (apq === 0) continue;
        const theta = (at(m, q, q) - at(m, p, p)) / (2 * apq);
        // t = tan of the rotation angle, the smaller root of t² + 2θt − 1 = 0 (stable for large θ).
        const t = Math.abs(theta) > 1e150 ? 1 / (2 * theta) : Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = at(m, k, p);
          const akq = at(m, k, q);
          set(m, k, p, c * akp - s * akq);
          set(m, k, q, s * akp + c * akq);
        }
        for (let k = 0; k < n; k++) {
          const apk = at(m, p, k);
          const aqk = at(m, q, k);
          set(m, p, k, c * apk - s * aqk);
          set(m, q, k, s * apk + c * aqk);
        }
        set(m, p, q, 0);
        set(m, q, p, 0);
        for (let k = 0; k < n; k++) {
          const vkp = at(v, k, p);
          const vkq = at(v, k, q);
          set(v, k, p, c * vkp - s * vkq);
          set(v, k, q, s * vkp + c * vkq);
        }
      }
    }
  }

  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => at(m, x, x) - at(m, y, y) || x - y);
  return {
    values: order.map((j) => at(m, j, j)),
    vectors: v.map((row) => order.map((j) => row[j] ?? 0)),
  };
}
