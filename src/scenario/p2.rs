//! The P² streaming quantile of the Monte Carlo: memory does not grow with the number of draws.

/// Streaming quantile estimate (P² algorithm of Jain & Chlamtac, 1985): five markers, constant memory.
#[derive(Debug, Clone)]
pub(super) struct P2 {
    p: f64,
    q: [f64; 5],
    n: [f64; 5],
    want: [f64; 5],
    dn: [f64; 5],
    count: usize,
}

impl P2 {
    pub(super) fn new(p: f64) -> P2 {
        P2 {
            p,
            q: [0.0; 5],
            n: [0.0, 1.0, 2.0, 3.0, 4.0],
            want: [0.0, 2.0 * p, 4.0 * p, 2.0 + 2.0 * p, 4.0],
            dn: [0.0, p / 2.0, p, (1.0 + p) / 2.0, 1.0],
            count: 0,
        }
    }

    pub(super) fn add(&mut self, x: f64) {
        if self.count < 5 {
            self.q[self.count] = x;
            self.count += 1;
            if self.count == 5 {
                self.q.sort_by(f64::total_cmp);
            }
            return;
        }
        self.count += 1;
        let k = if x < self.q[0] {
            self.q[0] = x;
            0
        } else if x >= self.q[4] {
            self.q[4] = x;
            3
        } else {
            (0..4).find(|&i| x < self.q[i + 1]).unwrap_or(3)
        };
        for i in (k + 1)..5 {
            self.n[i] += 1.0;
        }
        for i in 0..5 {
            self.want[i] += self.dn[i];
        }
        for i in 1..4 {
            let d = self.want[i] - self.n[i];
            if (d >= 1.0 && self.n[i + 1] - self.n[i] > 1.0)
                || (d <= -1.0 && self.n[i - 1] - self.n[i] < -1.0)
            {
                let s = d.signum();
                let (qm, q0, qp) = (self.q[i - 1], self.q[i], self.q[i + 1]);
                let (nm, n0, np) = (self.n[i - 1], self.n[i], self.n[i + 1]);
                let parabolic = q0
                    + s / (np - nm)
                        * ((n0 - nm + s) * (qp - q0) / (np - n0)
                            + (np - n0 - s) * (q0 - qm) / (n0 - nm));
                self.q[i] = if qm < parabolic && parabolic < qp {
                    parabolic
                } else {
                    let j = if s > 0.0 { i + 1 } else { i - 1 };
                    q0 + s * (self.q[j] - q0) / (self.n[j] - n0)
                };
                self.n[i] += s;
            }
        }
    }

    pub(super) fn value(&self) -> f64 {
        if self.count >= 5 {
            return self.q[2];
        }
        let mut v: Vec<f64> = self.q[..self.count].to_vec();
        v.sort_by(f64::total_cmp);
        crate::engine::quantile(&v, self.p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn p2_quantiles_of_a_uniform_stream() {
        let mut q = P2::new(0.9);
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..20_000 {
            q.add(rand::Rng::r#gen::<f64>(&mut rng));
        }
        assert!((q.value() - 0.9).abs() < 0.01, "{}", q.value());
    }
}
