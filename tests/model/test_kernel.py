"""The event kernel (sim/model/kernel.py) keeps simpy's semantics: the same programs give the same
histories on simpy's Environment and on the kernel's, and the model runs event for event as on simpy."""

from __future__ import annotations

import hashlib
import heapq

import pytest
import simpy
from helpers import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model import kernel
from sim.model.engine import simulate
from sim.model.randomness import Randomness
from sim.scenario.compile import build_world
from sim.scenario.loading import load_scenario


def test_the_clock_takes_events_by_time_then_urgency_then_the_order_they_were_queued():
    env, order = kernel.Environment(), []
    for name, delay in (("b", 2.0), ("a", 1.0), ("c", 2.0)):
        env.timeout(delay).callbacks.append(lambda _e, n=name: order.append((n, env.now)))
    urgent = kernel.Event(env)
    urgent._value = None
    env.schedule(urgent, kernel.URGENT, 2.0)  # queued last, but urgent: first of its time
    urgent.callbacks.append(lambda _e: order.append(("urgent", env.now)))
    env.run()
    assert order == [("a", 1.0), ("urgent", 2.0), ("b", 2.0), ("c", 2.0)]


def test_a_run_until_an_hour_stops_before_the_normal_events_of_that_hour():
    env, order = kernel.Environment(), []
    env.timeout(24.0).callbacks.append(lambda _e: order.append("at 24 h"))
    env.run(until=24.0)
    assert (env.now, order) == (24.0, [])  # simpy's stop is urgent: the timeout of 24 h waits for the next run
    env.run(until=48.0)
    assert order == ["at 24 h"]
    with pytest.raises(ValueError, match="greater than the current"):
        env.run(until=48.0)


def test_a_process_waits_for_what_it_yields_and_returns_a_value():
    env = kernel.Environment()

    def child():
        yield env.timeout(3.0)
        return "done"

    def parent(log):
        value = yield env.process(child())
        log.append((env.now, value))

    log: list = []
    env.process(parent(log))
    env.run()
    assert log == [(3.0, "done")]


def test_an_interrupt_is_thrown_into_the_process_at_once_and_its_wait_is_dropped():
    env, log = kernel.Environment(), []

    def flier():
        try:
            yield env.timeout(10.0)
        except kernel.Interrupt as stop:
            log.append((env.now, stop.cause))
        yield env.timeout(1.0)
        log.append(env.now)

    def closer(victim):
        yield env.timeout(4.0)
        victim.interrupt("destination closed")

    victim = env.process(flier())
    env.process(closer(victim))
    env.run()
    assert log == [(4.0, "destination closed"), 5.0]  # the 10 h timeout no longer resumes it


def test_the_callbacks_of_an_event_run_in_the_order_they_were_added_waiting_processes_among_them():
    """A process waiting alone is kept apart from the callback list (a native call): the order holds whether
    it came first, after a callback, or after another process left the wait (interrupted)."""
    env, log = kernel.Environment(), []
    signal, other = env.event(), env.event()

    def waiter(name, event):
        try:
            yield event
            log.append(name)
        except kernel.Interrupt:
            log.append(f"{name} left")

    env.process(waiter("first", signal))
    env.run(until=1.0)  # "first" waits on the signal, alone
    signal.callbacks.append(lambda _: log.append("callback"))
    second = env.process(waiter("second", signal))
    env.process(waiter("third", signal))
    gone = env.process(waiter("gone", other))
    env.run(until=2.0)
    second.interrupt()
    gone.interrupt()  # "other" has no waiter and no callback again
    env.run(until=3.0)
    env.process(waiter("fourth", other))
    env.run(until=4.0)
    other.callbacks.append(lambda _: log.append("other's callback"))
    signal.succeed()
    other.succeed()
    env.run()
    assert log == ["second left", "gone left", "first", "callback", "third", "fourth", "other's callback"]


def test_either_of_two_events_fires_when_the_first_is_processed():
    env, log = kernel.Environment(), []
    spot, closing = env.event(), env.event()

    def waiter():
        yield spot | closing
        log.append((env.now, spot.triggered, closing.triggered))

    env.process(waiter())
    env.timeout(2.0).callbacks.append(lambda _e: closing.succeed())
    env.timeout(3.0).callbacks.append(lambda _e: spot.succeed())
    env.run(until=2.5)
    assert log == [(2.0, False, True)]
    assert spot.callbacks == []  # still pending, and the condition's check was taken off it
    env.run()
    assert log == [(2.0, False, True)]


def test_a_process_that_fails_fails_the_run_unless_a_process_waiting_on_it_takes_the_exception():
    def failing(env):
        yield env.timeout(1.0)
        raise ValueError("no fuel")

    def parent(env, log):
        try:
            yield env.process(failing(env))
        except ValueError as error:
            log.append((env.now, str(error), type(error.__cause__)))

    env, log = kernel.Environment(), []
    env.process(parent(env, log))
    env.run()
    assert log == [(1.0, "no fuel", ValueError)]  # a copy, caused by the original, as simpy throws it
    alone = kernel.Environment()
    alone.process(failing(alone))
    with pytest.raises(ValueError, match="no fuel"):
        alone.run()


def test_a_run_stops_where_simpy_stops_when_the_hours_do_not_add_up_exactly():
    # simpy queues its stop at now + (until - now), which is not always ``until`` in floating point
    now, until = 208.23983445065096, 7722832.980054355
    assert now + (until - now) != until
    ours, theirs = kernel.Environment(initial_time=now), simpy.Environment(initial_time=now)
    ours.run(until=until)
    theirs.run(until=until)
    assert ours.now == theirs.now


# Random programs of processes that wait, spawn, join, interrupt, race two events, fire and wait on shared
# signals (fired or not), and fail: the history on simpy and on the kernel must match step for step.
OPS = ["wait", "spawn", "join", "interrupt", "race", "fire", "signal", "fail"]
steps = st.lists(st.tuples(st.sampled_from(OPS), st.sampled_from([0.0, 0.5, 1.0, 2.0])), min_size=1, max_size=8)


def history(module, programs) -> list:
    env, log = module.Environment(), []
    signals = [env.event() for _ in range(3)]
    processes: list = []

    def body(i: int, program):
        for k, (op, hours) in enumerate(program):
            if op == "fail":  # the process fails: those joining it get the exception, else the run fails
                raise ValueError(i)
            try:
                if op == "wait":
                    yield env.timeout(hours)
                elif op == "spawn":
                    processes.append(env.process(body(len(processes), program[k + 1:])))
                elif op == "interrupt":
                    alive = [p for p in processes if p.is_alive and p is not env.active_process]
                    if alive:
                        alive[k % len(alive)].interrupt(i)
                    yield env.timeout(hours)
                elif op == "race":
                    yield signals[k % 3] | env.timeout(hours)
                    log.append(("raced", [s.triggered for s in signals]))
                elif op == "join":
                    log.append(("joined", (yield processes[(i + k) % len(processes)])))
                elif op == "signal":  # several may wait on a signal, fired or not; resumed by it, yield it again
                    log.append(("signalled", (yield signals[k % 3]), (yield signals[k % 3])))
                elif not signals[k % 3].triggered:
                    signals[k % 3].succeed(i)
            except module.Interrupt as stop:
                log.append(("interrupted", i, env.now, stop.cause))
            except ValueError as error:  # a process joined failed
                log.append(("caught", i, env.now, error.args))
            log.append((op, i, env.now))
        return i

    for program in programs:
        processes.append(env.process(body(len(processes), program)))
    try:
        env.run(until=50.0)
    except (ValueError, RuntimeError) as error:  # a failure no process took; a process joining itself
        log.append(("run failed", type(error).__name__, env.now))
    return log


@given(st.lists(steps, min_size=1, max_size=4))
@settings(max_examples=150, deadline=None)
def test_random_programs_run_on_the_kernel_as_on_simpy(programs):
    assert history(kernel, programs) == history(simpy, programs)


def run_digest(name: str, replication: int) -> str:
    world = build_world(load_scenario(ROOT / "scenarios" / f"{name}.yaml"))
    records = simulate(world, Randomness(world.stochastic, world.run.seed, replication)).records
    tables = (records.legs, records.ground, records.deliveries, records.closures, records.stranded)
    return hashlib.sha256(repr(tables).encode()).hexdigest()


class SimpyEnvironment(simpy.Environment):
    """simpy's environment, with the methods the model asks of the kernel beyond simpy's own, written on
    simpy's queue of (time, priority, id, event)."""

    def take_id(self) -> int:
        return next(self._eid)

    def next_is(self, eid: int) -> bool:
        if not self._queue:
            return True
        at, priority, first, _ = self._queue[0]
        return at > self.now or (priority == simpy.events.NORMAL and first > eid)

    def schedule_in(self, event, eid: int) -> None:
        heapq.heappush(self._queue, (self.now, simpy.events.NORMAL, eid, event))

    def process_now(self, event) -> None:
        callbacks, event.callbacks = event.callbacks, None
        for callback in callbacks:
            callback(event)


@pytest.mark.slow
@pytest.mark.pure_core
@pytest.mark.parametrize(("name", "replication"), [("lose_hmeimim_sweep", 1), ("lose_hmeimim", 0),
                                                   ("russia_libya_staged_crews", 0), ("syria_evacuation", 2)])
def test_the_model_runs_on_the_kernel_as_on_simpy(name, replication, monkeypatch):
    on_kernel = run_digest(name, replication)
    monkeypatch.setattr(kernel, "Environment", SimpyEnvironment)  # the engine makes kernel.Environment()
    assert run_digest(name, replication) == on_kernel


@given(st.lists(st.one_of(st.none(), st.tuples(st.sampled_from([0.0, 0.5, 1.0, 2.25, 7.0]),
                                               st.sampled_from([kernel.URGENT, kernel.NORMAL]))), max_size=60))
def test_the_queue_takes_events_in_the_order_heapq_takes_simpy_s_tuples(operations):
    """The kernel's heap of events (native fields) against heapq over simpy's (time, priority, id) tuples:
    pushes (time, priority) and pops (None) interleaved, the same events out in the same order."""
    env, plain, out, plain_out = kernel.Environment(), [], [], []
    for eid, operation in enumerate(operations):
        if operation is None:
            if plain:
                out.append(kernel._pop(env._queue))
                plain_out.append(heapq.heappop(plain)[3])
            continue
        at, priority = operation
        event = kernel.Event(env)
        kernel._push(env._queue, event, at, priority * kernel.PRIORITY_SPAN + eid)
        heapq.heappush(plain, (at, priority, eid, event))
    while plain:
        out.append(kernel._pop(env._queue))
        plain_out.append(heapq.heappop(plain)[3])
    assert out == plain_out and not env._queue
