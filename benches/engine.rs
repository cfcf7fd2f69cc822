//! The engine against a floor, on replications of the M/M/c reference scenario
//! (`scenarios/mmc-reference.toml`: λ = 10/day, μ = 1/day, c = 12, 500 days, 50-day warm-up).
//!
//! Three ways to run the same replications, each reported in tasks per second:
//! - `binary_heap_floor`: a bare `std::collections::BinaryHeap` M/M/c loop, written as plainly as
//!   possible. It is the floor: what an event loop costs with no engine at all.
//! - `event_queue_loop`: the same loop, event for event, on `orgsim::engine::EventQueue`. The
//!   difference from the floor is the cost of the calendar alone (time validation, insertion
//!   sequence, slot positions).
//! - `queue_model`: `QueueModel::run_replication`, the model as the runner drives it; on top of
//!   the loop it keeps time integrals, sojourn times and about 100 time-series snapshots.
//!
//! All three draw arrivals and task sizes from the same streams (`orgsim::random::Streams`,
//! `exp1`), stop at the same horizon and record the same statistics (the mean wait in queue and
//! the mean time in system of tasks arriving after warm-up), so none can skip work; the setup
//! checks that they agree to the bit. The target is `queue_model` at 0.6 of the floor's tasks
//! per second or more, single thread.
//!
//! After criterion's report, `cargo bench` also prints the ratios to the floor from an
//! interleaved measurement (the loops alternate, so drift on a shared machine hits all alike).

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use orgsim::engine::EventQueue;
use orgsim::model::queue::{QueueParams, ARRIVALS, WORK};
use orgsim::model::{build, Simulation};
use orgsim::random::{exp1, Streams};
use orgsim::scenario::{self, ModelConfig, Scenario};
use orgsim::stats::Welford;

const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/mmc-reference.toml");

/// Replications each benchmark iteration runs, one after the other. Repeating a single
/// replication lets the branch predictor learn its event sequence and makes every loop look
/// faster than it is on fresh replications; cycling through 32 different ones avoids that.
const REPLICATIONS: u64 = 32;

/// What one replication of a loop reports: enough to check that two loops did the same work.
#[derive(Clone, Copy, Debug, PartialEq)]
struct LoopResult {
    /// Tasks that arrived by the horizon.
    tasks: u64,
    /// Waits in queue of tasks arriving after warm-up [working days].
    waits: Welford,
    /// Total time in system of tasks arriving after warm-up and finished by the horizon
    /// [working days].
    sojourn_sum: f64,
    /// Number of tasks in `sojourn_sum`.
    sojourn_count: u64,
}

impl LoopResult {
    fn new() -> Self {
        LoopResult {
            tasks: 0,
            waits: Welford::new(),
            sojourn_sum: 0.0,
            sojourn_count: 0,
        }
    }

    fn depart(&mut self, now: f64, arrived: f64, warmup: f64) {
        if arrived >= warmup {
            self.sojourn_sum += now - arrived;
            self.sojourn_count += 1;
        }
    }
}

/// The reference scenario and its single policy's parameters.
struct Reference {
    scenario: Scenario,
    params: QueueParams,
}

impl Reference {
    fn load() -> Self {
        let scenario =
            scenario::load(Path::new(SCENARIO)).expect("the reference scenario is valid");
        let ModelConfig::Queue(policies) = &scenario.model else {
            panic!("{SCENARIO} is a queue scenario");
        };
        let params = policies[0].params;
        Reference { scenario, params }
    }

    fn streams(&self) -> Vec<Streams> {
        (0..REPLICATIONS)
            .map(|replication| Streams::new(self.scenario.seed, replication))
            .collect()
    }
}

/// An event of the floor loop: a task arrives, or a task that arrived at `arrived` leaves.
#[derive(Clone, Copy)]
enum Event {
    Arrival,
    Departure { arrived: f64 },
}

/// A pending event of the floor loop, earliest first in a max-heap.
struct Pending {
    time: f64,
    event: Event,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        self.time == other.time
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    fn cmp(&self, other: &Self) -> Ordering {
        other.time.total_cmp(&self.time)
    }
}

/// The floor: M/M/c on a bare `BinaryHeap`, no validation, no tie-break, no cancellation.
fn binary_heap_floor(p: &QueueParams, horizon: f64, streams: &Streams) -> LoopResult {
    let mut arrivals = streams.stream(ARRIVALS, 0);
    let mut sizes = streams.stream(WORK, 0);
    let mut heap = BinaryHeap::with_capacity(p.servers as usize + 16);
    let mut waiting: VecDeque<(f64, f64)> = VecDeque::new();
    let mut busy = 0u32;
    let mut result = LoopResult::new();
    heap.push(Pending {
        time: exp1(&mut arrivals) / p.arrival_rate,
        event: Event::Arrival,
    });
    while let Some(Pending { time: now, event }) = heap.pop() {
        if now > horizon {
            break;
        }
        match event {
            Event::Arrival => {
                result.tasks += 1;
                let size = exp1(&mut sizes);
                if busy < p.servers {
                    busy += 1;
                    if now >= p.warmup_days {
                        result.waits.push(0.0);
                    }
                    heap.push(Pending {
                        time: now + size / p.service_rate,
                        event: Event::Departure { arrived: now },
                    });
                } else {
                    waiting.push_back((now, size));
                }
                heap.push(Pending {
                    time: now + exp1(&mut arrivals) / p.arrival_rate,
                    event: Event::Arrival,
                });
            }
            Event::Departure { arrived } => {
                result.depart(now, arrived, p.warmup_days);
                match waiting.pop_front() {
                    Some((queued_at, size)) => {
                        if queued_at >= p.warmup_days {
                            result.waits.push(now - queued_at);
                        }
                        heap.push(Pending {
                            time: now + size / p.service_rate,
                            event: Event::Departure { arrived: queued_at },
                        });
                    }
                    None => busy -= 1,
                }
            }
        }
    }
    result
}

/// The floor's loop, event for event, on the engine's calendar.
fn event_queue_loop(p: &QueueParams, horizon: f64, streams: &Streams) -> LoopResult {
    let mut arrivals = streams.stream(ARRIVALS, 0);
    let mut sizes = streams.stream(WORK, 0);
    let mut calendar = EventQueue::with_capacity(p.servers as usize + 16);
    let mut waiting: VecDeque<(f64, f64)> = VecDeque::new();
    let mut busy = 0u32;
    let mut result = LoopResult::new();
    calendar
        .schedule_at(exp1(&mut arrivals) / p.arrival_rate, Event::Arrival)
        .expect("arrival gaps are finite");
    while let Some((time, event)) = calendar.pop() {
        let now = time.days();
        if now > horizon {
            break;
        }
        match event {
            Event::Arrival => {
                result.tasks += 1;
                let size = exp1(&mut sizes);
                if busy < p.servers {
                    busy += 1;
                    if now >= p.warmup_days {
                        result.waits.push(0.0);
                    }
                    calendar
                        .schedule_at(
                            now + size / p.service_rate,
                            Event::Departure { arrived: now },
                        )
                        .expect("service times are finite");
                } else {
                    waiting.push_back((now, size));
                }
                calendar
                    .schedule_at(now + exp1(&mut arrivals) / p.arrival_rate, Event::Arrival)
                    .expect("arrival gaps are finite");
            }
            Event::Departure { arrived } => {
                result.depart(now, arrived, p.warmup_days);
                match waiting.pop_front() {
                    Some((queued_at, size)) => {
                        if queued_at >= p.warmup_days {
                            result.waits.push(now - queued_at);
                        }
                        calendar
                            .schedule_at(
                                now + size / p.service_rate,
                                Event::Departure { arrived: queued_at },
                            )
                            .expect("service times are finite");
                    }
                    None => busy -= 1,
                }
            }
        }
    }
    result
}

/// Checks that the three ways of running each replication agree, and returns the total number
/// of tasks in `streams`.
fn checked_task_count(reference: &Reference, sim: &dyn Simulation, streams: &[Streams]) -> u64 {
    let p = &reference.params;
    let horizon = reference.scenario.horizon_days;
    let mut record = sim.new_record();
    let mut tasks = 0;
    for streams in streams {
        let floor = binary_heap_floor(p, horizon, streams);
        let engine = event_queue_loop(p, horizon, streams);
        assert_eq!(
            floor, engine,
            "the floor and the engine loop must do the same work"
        );
        sim.run_replication(0, streams, &mut record);
        assert_eq!(
            record.outcomes[0].to_bits(),
            floor.waits.mean().to_bits(),
            "the floor and the model must record the same mean wait"
        );
        assert_eq!(
            record.outcomes[2].to_bits(),
            (floor.sojourn_sum / floor.sojourn_count as f64).to_bits(),
            "the floor and the model must record the same mean time in system"
        );
        tasks += floor.tasks;
    }
    tasks
}

/// The three ways to run a set of replications, by benchmark name.
const LOOPS: [&str; 3] = ["binary_heap_floor", "event_queue_loop", "queue_model"];

/// Runs every replication of `streams` with loop `which` (an index into [`LOOPS`]).
fn run_all(reference: &Reference, sim: &dyn Simulation, which: usize, streams: &[Streams]) -> f64 {
    let p = &reference.params;
    let horizon = reference.scenario.horizon_days;
    let mut record = sim.new_record();
    let mut checksum = 0.0;
    for streams in streams {
        checksum += match which {
            0 => binary_heap_floor(black_box(p), horizon, black_box(streams))
                .waits
                .mean(),
            1 => event_queue_loop(black_box(p), horizon, black_box(streams))
                .waits
                .mean(),
            _ => {
                sim.run_replication(0, black_box(streams), &mut record);
                record.outcomes[0]
            }
        };
    }
    checksum
}

fn engine_against_floor(c: &mut Criterion) {
    let reference = Reference::load();
    let sim = build(&reference.scenario);
    let streams = reference.streams();
    let tasks = checked_task_count(&reference, sim.as_ref(), &streams);

    let mut group = c.benchmark_group("engine_mmc_reference");
    group.throughput(Throughput::Elements(tasks));
    for (which, name) in LOOPS.iter().enumerate() {
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| run_all(&reference, sim.as_ref(), which, &streams))
        });
    }
    group.finish();
}

/// Prints tasks per second of each loop and its ratio to the floor, from one run in which the
/// loops alternate, so that drift on a shared machine hits all of them alike.
fn print_interleaved_ratios(rounds: usize) {
    let reference = Reference::load();
    let sim = build(&reference.scenario);
    let streams = reference.streams();
    let tasks = checked_task_count(&reference, sim.as_ref(), &streams);
    let mut samples = vec![Vec::with_capacity(rounds); LOOPS.len()];
    for _ in 0..rounds {
        for (which, times) in samples.iter_mut().enumerate() {
            let started = Instant::now();
            black_box(run_all(&reference, sim.as_ref(), which, &streams));
            times.push(started.elapsed());
        }
    }
    let medians: Vec<Duration> = samples
        .into_iter()
        .map(|mut times| {
            times.sort_unstable();
            times[times.len() / 2]
        })
        .collect();
    let rate = |d: Duration| tasks as f64 / d.as_secs_f64();
    let floor = rate(medians[0]);
    println!(
        "\nInterleaved: median of {rounds} rounds, each loop running the same {} replications \
         ({tasks} tasks)",
        streams.len()
    );
    for (name, &median) in LOOPS.iter().zip(&medians) {
        println!(
            "  {name:<18} {:>6.2} M tasks/s  {:.3} of the floor",
            rate(median) / 1e6,
            rate(median) / floor
        );
    }
    println!("  target: queue_model at 0.6 of the floor or more");
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));
    targets = engine_against_floor
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    // `cargo test --benches` runs each benchmark once as a test; print ratios only under
    // `cargo bench`, which passes `--bench`.
    if std::env::args().any(|arg| arg == "--bench") {
        print_interleaved_ratios(40);
    }
}
