//! The queueing core: a team as an M/M/c queue, every behavioural effect off.
//!
//! Tasks arrive as a Poisson stream, wait first-come first-served, and are served by `c`
//! identical people at exponential rates. This is the engine's reference model: its means are
//! known in closed form (Erlang C, Little's law; MODEL-SPEC section B), so integration tests can
//! check the event calendar, the random streams and the bookkeeping against theory.
//!
//! Common random numbers: inter-arrival gaps come from the `ARRIVALS` stream and each task's
//! work content (an Exp(1) size, served at rate `mu`) from the `WORK` stream in arrival order,
//! so two policies with different rates or staffing see the same tasks.

use std::collections::VecDeque;

use crate::engine::EventQueue;
use crate::model::{MetricSpec, Record, Simulation};
use crate::random::{exp1, Streams};
use crate::scenario::NamedPolicy;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// Stream source of inter-arrival gaps.
pub const ARRIVALS: u64 = 1;
/// Stream source of task sizes.
pub const WORK: u64 = 2;
/// Stream source of the initial state (`QueueStart::Stationary`).
pub const INITIAL: u64 = 3;

/// How a replication starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum QueueStart {
    /// With no task in the system.
    #[default]
    Empty,
    /// In the stationary distribution of the M/M/c queue (requires λ < cμ): the number in
    /// system is drawn from it, and the tasks in service have exponential residual service by
    /// memorylessness. No warm-up is needed, however slowly the queue relaxes (MODEL-SPEC
    /// SF-01 b). The initial tasks arrived before day 0 and count in no per-task statistic.
    Stationary,
}

/// Parameters of one M/M/c queue.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QueueParams {
    /// Poisson arrival rate λ [tasks per working day], > 0.
    pub arrival_rate: f64,
    /// Service rate μ of one server [tasks per working day], > 0.
    pub service_rate: f64,
    /// Number of servers c, >= 1.
    pub servers: u32,
    /// Statistics cover tasks arriving on or after this day [working days], >= 0.
    pub warmup_days: f64,
    /// The state at day 0.
    pub start: QueueStart,
}

impl QueueParams {
    /// Number in system at day 0 for a uniform draw `u` in [0, 1): 0 when the queue starts
    /// empty, otherwise the inverse of the stationary M/M/c distribution, p_n = p_0 aⁿ/n! for
    /// n < c and p_0 a^c/c! ρ^(n−c) beyond (a = λ/μ, ρ = a/c < 1), whose tail from c on is
    /// geometric with mass Erlang C.
    pub fn initial_in_system(&self, u: f64) -> u64 {
        if self.start == QueueStart::Empty {
            return 0;
        }
        let c = self.servers;
        let a = self.arrival_rate / self.service_rate;
        let rho = a / f64::from(c);
        // Unnormalized terms aⁿ/n! for n < c, then the tail mass a^c/(c!(1 − ρ)).
        let mut terms = Vec::with_capacity(c as usize);
        let mut term = 1.0;
        for n in 0..c {
            terms.push(term);
            term *= a / f64::from(n + 1);
        }
        let tail = term / (1.0 - rho);
        let total: f64 = terms.iter().sum::<f64>() + tail;
        let mut cumulative = 0.0;
        for (n, t) in terms.iter().enumerate() {
            cumulative += t / total;
            if u < cumulative {
                return n as u64;
            }
        }
        // P(N ≥ c + k) = C ρ^k with C = tail/total; the smallest k with C ρ^(k+1) ≤ 1 − u.
        let erlang_c = tail / total;
        let k = ((1.0 - u) / erlang_c).ln() / rho.ln();
        u64::from(c) + k.max(0.0).floor() as u64
    }
}

/// Events of the queue model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum QueueEvent {
    /// A task arrives.
    Arrival,
    /// A task finishes service; it arrived at `arrived` [day].
    Departure { arrived: f64 },
    /// Record the time series at grid point `index` (no state change).
    Snapshot { index: usize },
}

const OUTCOMES: [MetricSpec; 8] = [
    MetricSpec::new(
        "wait_in_queue_mean",
        "Mean wait in queue",
        "working days",
        "Mean wait before service of tasks arriving after warm-up (W_q).",
    ),
    MetricSpec::new(
        "wait_over_half_day_share",
        "Share waiting over half a day",
        "share of tasks",
        "Share of tasks arriving after warm-up that waited more than 0.5 days, P(W_q > 0.5).",
    ),
    MetricSpec::new(
        "sojourn_mean",
        "Mean time in system",
        "working days",
        "Mean time from arrival to completion of tasks arriving after warm-up and finished by the horizon (W).",
    ),
    MetricSpec::new(
        "number_in_system_mean",
        "Mean number in system",
        "tasks",
        "Time-average number of tasks waiting or in service after warm-up (L).",
    ),
    MetricSpec::new(
        "queue_length_mean",
        "Mean queue length",
        "tasks",
        "Time-average number of tasks waiting after warm-up (L_q).",
    ),
    MetricSpec::new(
        "arrival_rate_observed",
        "Observed arrival rate",
        "tasks per working day",
        "Arrivals after warm-up divided by the measured time.",
    ),
    MetricSpec::new(
        "utilization",
        "Utilization",
        "share of server time",
        "Time-average share of servers busy after warm-up.",
    ),
    MetricSpec::new(
        "tasks_completed",
        "Tasks completed",
        "tasks",
        "Tasks completed after warm-up, up to the horizon.",
    ),
];

const SERIES: [MetricSpec; 3] = [
    MetricSpec::new(
        "number_in_system",
        "Tasks in system",
        "tasks",
        "Tasks waiting or in service at the grid point.",
    ),
    MetricSpec::new(
        "queue_length",
        "Tasks waiting",
        "tasks",
        "Tasks waiting at the grid point.",
    ),
    MetricSpec::new(
        "tasks_completed_cumulative",
        "Tasks completed (cumulative)",
        "tasks",
        "Tasks completed since day 0.",
    ),
];

/// The M/M/c model of a scenario: one parameter set per policy.
pub struct QueueModel {
    policies: Vec<NamedPolicy<QueueParams>>,
    horizon: f64,
    grid: Vec<f64>,
}

impl QueueModel {
    /// A model comparing `policies` over `horizon` [working days], recording on `grid`.
    pub fn new(policies: Vec<NamedPolicy<QueueParams>>, horizon: f64, grid: Vec<f64>) -> Self {
        QueueModel {
            policies,
            horizon,
            grid,
        }
    }
}

/// Time integrals of the queue state since warm-up.
#[derive(Default)]
struct Areas {
    in_system: f64,
    waiting: f64,
    busy: f64,
    last: f64,
}

impl Areas {
    /// Integrates the state held since the last change up to day `to` (no-op before warm-up).
    fn advance(&mut self, to: f64, waiting: usize, busy: u32) {
        if to > self.last {
            let dt = to - self.last;
            let waiting = waiting as f64;
            self.in_system += dt * (waiting + f64::from(busy));
            self.waiting += dt * waiting;
            self.busy += dt * f64::from(busy);
            self.last = to;
        }
    }
}

impl Simulation for QueueModel {
    fn policy_names(&self) -> Vec<String> {
        self.policies.iter().map(|p| p.name.clone()).collect()
    }

    fn outcome_metrics(&self) -> &[MetricSpec] {
        &OUTCOMES
    }

    fn series_metrics(&self) -> &[MetricSpec] {
        &SERIES
    }

    fn grid(&self) -> &[f64] {
        &self.grid
    }

    fn run_replication(&self, policy: usize, streams: &Streams, record: &mut Record) {
        let p = self.policies[policy].params;
        let mut arrivals = streams.stream(ARRIVALS, 0);
        let mut sizes = streams.stream(WORK, 0);
        let mut calendar = EventQueue::with_capacity(p.servers as usize + 16);
        let horizon = self.horizon;
        let warmup = p.warmup_days;

        // Snapshots are chained (each schedules the next) so the calendar stays small.
        calendar
            .schedule_at(self.grid[0], QueueEvent::Snapshot { index: 0 })
            .expect("grid days are finite");
        calendar
            .schedule_at(exp1(&mut arrivals) / p.arrival_rate, QueueEvent::Arrival)
            .expect("arrival gaps are finite");

        let mut waiting: VecDeque<(f64, f64)> = VecDeque::new();
        let mut busy: u32 = 0;
        let mut areas = Areas {
            last: warmup,
            ..Areas::default()
        };
        let mut waits = crate::stats::Welford::new();
        let mut long_waits = 0u64;
        let mut sojourn_sum = 0.0;
        let mut sojourn_count = 0u64;
        let mut arrived_after_warmup = 0u64;
        let mut completed_total = 0u64;

        let start_service =
            |calendar: &mut EventQueue<QueueEvent>, now: f64, arrived: f64, size: f64| {
                calendar
                    .schedule_at(
                        now + size / p.service_rate,
                        QueueEvent::Departure { arrived },
                    )
                    .expect("service times are finite and positive");
            };

        // The stationary start draws from its own stream, so arrivals and sizes stay in step
        // across policies; its tasks arrived before day 0 (-∞ keeps them out of the statistics).
        let mut initial = streams.stream(INITIAL, 0);
        let in_system = p.initial_in_system(initial.random::<f64>());
        for n in 0..in_system {
            let size = exp1(&mut initial);
            if n < u64::from(p.servers) {
                busy += 1;
                start_service(&mut calendar, 0.0, f64::NEG_INFINITY, size);
            } else {
                waiting.push_back((f64::NEG_INFINITY, size));
            }
        }

        while let Some((time, event)) = calendar.pop() {
            let now = time.days();
            if now > horizon {
                break;
            }
            areas.advance(now, waiting.len(), busy);
            match event {
                QueueEvent::Arrival => {
                    let size = exp1(&mut sizes);
                    if now >= warmup {
                        arrived_after_warmup += 1;
                    }
                    if busy < p.servers {
                        busy += 1;
                        if now >= warmup {
                            waits.push(0.0);
                        }
                        start_service(&mut calendar, now, now, size);
                    } else {
                        waiting.push_back((now, size));
                    }
                    let next = now + exp1(&mut arrivals) / p.arrival_rate;
                    calendar
                        .schedule_at(next, QueueEvent::Arrival)
                        .expect("arrival gaps are finite");
                }
                QueueEvent::Departure { arrived } => {
                    completed_total += 1;
                    if arrived >= warmup {
                        sojourn_sum += now - arrived;
                        sojourn_count += 1;
                    }
                    match waiting.pop_front() {
                        Some((queued_at, size)) => {
                            if queued_at >= warmup {
                                let wait = now - queued_at;
                                waits.push(wait);
                                long_waits += u64::from(wait > 0.5);
                            }
                            start_service(&mut calendar, now, queued_at, size);
                        }
                        None => busy -= 1,
                    }
                }
                QueueEvent::Snapshot { index } => {
                    if let Some(&next) = self.grid.get(index + 1) {
                        calendar
                            .schedule_at(next, QueueEvent::Snapshot { index: index + 1 })
                            .expect("grid days are finite and ordered");
                    }
                    let row = record.at_grid_point(index);
                    row[0] = (waiting.len() as u32 + busy) as f64;
                    row[1] = waiting.len() as f64;
                    row[2] = completed_total as f64;
                }
            }
        }
        // Close the integrals at the horizon.
        areas.advance(horizon, waiting.len(), busy);
        let measured = horizon - warmup;
        let out = &mut record.outcomes;
        out[0] = waits.mean();
        out[1] = long_waits as f64 / waits.count().max(1) as f64;
        out[2] = sojourn_sum / sojourn_count.max(1) as f64;
        out[3] = areas.in_system / measured;
        out[4] = areas.waiting / measured;
        out[5] = arrived_after_warmup as f64 / measured;
        out[6] = areas.busy / (measured * p.servers as f64);
        out[7] = sojourn_count as f64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stationary(arrival_rate: f64, service_rate: f64, servers: u32) -> QueueParams {
        QueueParams {
            arrival_rate,
            service_rate,
            servers,
            warmup_days: 0.0,
            start: QueueStart::Stationary,
        }
    }

    /// Mean and P(N = n) of the initial number in system, by midpoint quadrature over u
    /// (deterministic: 10⁶ points).
    fn moments(p: &QueueParams, n: u64) -> (f64, f64) {
        const POINTS: u32 = 1_000_000;
        let (mut sum, mut hits) = (0.0, 0u32);
        for i in 0..POINTS {
            let draw = p.initial_in_system((f64::from(i) + 0.5) / f64::from(POINTS));
            sum += draw as f64;
            hits += u32::from(draw == n);
        }
        (sum / f64::from(POINTS), f64::from(hits) / f64::from(POINTS))
    }

    #[test]
    fn stationary_start_matches_the_mm1_geometric_law() {
        // P(N = n) = (1 − ρ)ρⁿ, mean ρ/(1 − ρ) = 4 at ρ = 0.8.
        let p = stationary(0.8, 1.0, 1);
        let (mean, p3) = moments(&p, 3);
        assert!((mean - 4.0).abs() < 0.01, "mean {mean}");
        assert!((p3 - 0.2 * 0.8f64.powi(3)).abs() < 1e-4, "P(N = 3) {p3}");
    }

    #[test]
    fn stationary_start_matches_erlang_c_at_the_reference_queue() {
        // λ 10, μ 1, c 12: L = L_q + a = 12.246941 (MODEL-SPEC B3); P(N = 0) = p_0.
        let p = stationary(10.0, 1.0, 12);
        let (mean, p0) = moments(&p, 0);
        assert!((mean - 12.246941).abs() < 0.01, "mean {mean}");
        let a: f64 = 10.0;
        let mut terms = 0.0;
        let mut term = 1.0;
        for n in 0..12 {
            terms += term;
            term *= a / f64::from(n + 1);
        }
        let expected_p0 = 1.0 / (terms + term / (1.0 - a / 12.0));
        assert!(
            (p0 - expected_p0).abs() < 1e-5,
            "p0 {p0} against {expected_p0}"
        );
    }

    #[test]
    fn empty_start_is_empty() {
        let p = QueueParams {
            start: QueueStart::Empty,
            ..stationary(0.8, 1.0, 1)
        };
        assert_eq!(p.initial_in_system(0.999), 0);
    }
}
