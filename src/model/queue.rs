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

/// Stream source of inter-arrival gaps.
pub const ARRIVALS: u64 = 1;
/// Stream source of task sizes.
pub const WORK: u64 = 2;

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
    MetricSpec {
        name: "wait_in_queue_mean",
        label: "Mean wait in queue",
        unit: "working days",
        description: "Mean wait before service of tasks arriving after warm-up (W_q).",
    },
    MetricSpec {
        name: "wait_over_half_day_share",
        label: "Share waiting over half a day",
        unit: "share of tasks",
        description: "Share of tasks arriving after warm-up that waited more than 0.5 days, P(W_q > 0.5).",
    },
    MetricSpec {
        name: "sojourn_mean",
        label: "Mean time in system",
        unit: "working days",
        description: "Mean time from arrival to completion of tasks arriving after warm-up and finished by the horizon (W).",
    },
    MetricSpec {
        name: "number_in_system_mean",
        label: "Mean number in system",
        unit: "tasks",
        description: "Time-average number of tasks waiting or in service after warm-up (L).",
    },
    MetricSpec {
        name: "queue_length_mean",
        label: "Mean queue length",
        unit: "tasks",
        description: "Time-average number of tasks waiting after warm-up (L_q).",
    },
    MetricSpec {
        name: "arrival_rate_observed",
        label: "Observed arrival rate",
        unit: "tasks per working day",
        description: "Arrivals after warm-up divided by the measured time.",
    },
    MetricSpec {
        name: "utilization",
        label: "Utilization",
        unit: "share of server time",
        description: "Time-average share of servers busy after warm-up.",
    },
    MetricSpec {
        name: "tasks_completed",
        label: "Tasks completed",
        unit: "tasks",
        description: "Tasks completed after warm-up, up to the horizon.",
    },
];

const SERIES: [MetricSpec; 3] = [
    MetricSpec {
        name: "number_in_system",
        label: "Tasks in system",
        unit: "tasks",
        description: "Tasks waiting or in service at the grid point.",
    },
    MetricSpec {
        name: "queue_length",
        label: "Tasks waiting",
        unit: "tasks",
        description: "Tasks waiting at the grid point.",
    },
    MetricSpec {
        name: "tasks_completed_cumulative",
        label: "Tasks completed (cumulative)",
        unit: "tasks",
        description: "Tasks completed since day 0.",
    },
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
