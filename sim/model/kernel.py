"""The event kernel: simpy's environment, events and processes, as much of them as the model uses, written
so that mypyc compiles them with the rest of the core.

Why not simpy itself: with the model compiled, simpy's interpreted event loop and its ``now`` property
cost a sixth of a replication (``bench/README.md``). This module keeps simpy's order of events, so a run is
the same event for event: a heap of events ordered by (time, priority, id), ids from one counter, urgent
before normal at a time, callbacks run in the order they were added, a process resumed by the event it
waits for (at once if that was processed already) and interrupted by an urgent ``Interruption``, a process
that ends or fails queued as an event, ``a | b`` an event that fires when the first of the two is
processed. ``tests/model/test_kernel.py`` runs random programs and the model on simpy's ``Environment`` and
on this one and asserts identical histories; ``Interrupt`` is simpy's own exception.

Where it differs from simpy, none of which the model meets:
- ``now`` is always a float (simpy's clock is the integer 0 until the first event with a float time);
- a callback added to an event already processed is never called (simpy's ``callbacks`` is None then, and
  the append fails): check ``processed`` first, as ``Process`` and ``AnyOf`` do;
- left out: failing an event by hand, ``AllOf``, resources and stores; an ``AnyOf``'s value is the list of
  its events processed by then (simpy's is a ``ConditionValue``).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, Final

from simpy.exceptions import Interrupt

__all__ = ["URGENT", "NORMAL", "Environment", "Event", "Timeout", "Process", "AnyOf", "Interrupt"]

URGENT: Final = 0  # priorities as simpy numbers them: an urgent event goes before a normal one of its time
NORMAL: Final = 1
PRIORITY_SPAN: Final = 1 << 40  # an event's place among those of its time: priority * PRIORITY_SPAN + id
PENDING: Final = object()  # the value of an event not yet triggered

Callback = Callable[["Event"], None]
ProcessGenerator = Generator["Event", Any, Any]


class Event:
    """An event: pending until triggered (``succeed``), then queued; its callbacks run when it is processed."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        # Most events are waited for by one process and nothing else: that process is kept apart (``_waiter``)
        # and resumed by a native call; other callbacks go to a list made when the first one comes.
        self._waiter: Process | None = None
        self._callbacks: list[Callback] | None = None
        self.processed = False  # simpy marks this by setting ``callbacks`` to None
        self._value: Any = PENDING
        self._ok = True
        self._defused = False
        # Its place in the queue, once queued (an event is queued once): the hour, then priority and id.
        # simpy queues (time, priority, id, event) tuples; native fields compare without building any.
        self._at = 0.0
        self._order = 0

    @property
    def callbacks(self) -> list[Callback]:
        """The callbacks run when the event is processed, after the process waiting on it, if any (it came
        first: it is kept apart only while no other callback has been added)."""
        if self._callbacks is None:
            self._callbacks = []
        return self._callbacks

    def _wait_by(self, process: Process) -> None:
        """``process`` waits for this event: resumed by it after the callbacks added before."""
        if self._waiter is None and self._callbacks is None:
            self._waiter = process
        else:
            self.callbacks.append(process.resume)

    def _unwait_by(self, process: Process) -> None:
        """``process`` no longer waits for this event."""
        if self._waiter is process:
            self._waiter = None
        else:
            self.callbacks.remove(process.resume)

    @property
    def triggered(self) -> bool:
        """True once the event is queued (or processed)."""
        return self._value is not PENDING

    @property
    def value(self) -> Any:
        """The value the event was triggered with."""
        if self._value is PENDING:
            raise AttributeError(f"the value of {self!r} is not yet available")
        return self._value

    def succeed(self, value: Any = None) -> Event:
        """Trigger the event with ``value``: it is queued now, at normal priority."""
        if self._value is not PENDING:
            raise RuntimeError(f"{self!r} has already been triggered")
        self._ok = True
        self._value = value
        self.env.schedule(self, NORMAL, 0.0)
        return self

    def __or__(self, other: Event) -> AnyOf:
        """An event that fires when the first of the two is processed."""
        return AnyOf(self.env, (self, other))


class Timeout(Event):
    """An event triggered at creation and queued ``delay`` hours ahead."""

    def __init__(self, env: Environment, delay: float, value: Any = None) -> None:
        if delay < 0:
            raise ValueError(f"negative delay {delay}")
        super().__init__(env)
        self._value = value
        env.schedule(self, NORMAL, delay)


class Initialize(Event):
    """Starts a process: queued at once, urgent."""

    def __init__(self, env: Environment, process: Process) -> None:
        super().__init__(env)
        self._wait_by(process)
        self._value = None
        env.schedule(self, URGENT, 0.0)


class Process(Event):
    """A generator of events run as a process; as an event, triggered when the generator returns."""

    def __init__(self, env: Environment, generator: ProcessGenerator) -> None:
        super().__init__(env)
        self._generator = generator
        self.resume: Callback = self._resume  # one bound method, added to and removed from callbacks
        self.target: Event | None = Initialize(env, self)  # what it waits for; None once it has ended

    @property
    def is_alive(self) -> bool:
        """True until the generator returns."""
        return self._value is PENDING

    def interrupt(self, cause: Any = None) -> None:
        """Throw ``Interrupt(cause)`` into the process, urgently, at this instant."""
        Interruption(self, cause)

    def _resume(self, event: Event) -> None:
        """Send the event's value into the generator (or throw a copy of its exception), until it yields an
        event not yet processed, which it then waits for. When the generator returns or raises, the process
        is queued, triggered with the value or failed with the exception (which ``step`` raises unless a
        process waiting on this one takes it)."""
        env = self.env
        env.active_process = self
        target: Event | None = None
        while True:
            try:
                if event._ok:
                    event = self._generator.send(event._value)
                else:
                    event._defused = True
                    event = self._generator.throw(_copy(event._value))
            except StopIteration as stop:
                self._ok = True
                self._value = stop.args[0] if stop.args else None
                env.schedule(self, NORMAL, 0.0)
                break
            except BaseException as error:
                self._ok = False
                self._value = error
                env.schedule(self, NORMAL, 0.0)
                break
            if not event.processed:
                event._wait_by(self)
                target = event
                break
        self.target = target
        env.active_process = None


class Interruption(Event):
    """Queued urgently at creation; when processed, throws ``Interrupt`` into a process still alive."""

    def __init__(self, process: Process, cause: Any) -> None:
        super().__init__(process.env)
        self.callbacks.append(self._interrupt)
        self._value = Interrupt(cause)
        self._ok = False
        self._defused = True
        if process._value is not PENDING:
            raise RuntimeError(f"{process!r} has terminated and cannot be interrupted")
        if process is self.env.active_process:
            raise RuntimeError("a process is not allowed to interrupt itself")
        self.process = process
        self.env.schedule(self, URGENT, 0.0)

    def _interrupt(self, event: Event) -> None:
        """Take the process off the event it waits for and throw the interrupt into it."""
        process, target = self.process, self.process.target
        if process._value is not PENDING or target is None:  # it ended after this interrupt was queued
            return
        target._unwait_by(process)
        process._resume(self)


class AnyOf(Event):
    """Triggered when the first of its events is processed; its value, the events processed by then."""

    def __init__(self, env: Environment, events: tuple[Event, ...]) -> None:
        super().__init__(env)
        self._events = events
        self.check: Callback = self._check
        for event in events:
            if event.processed:
                self._check(event)
            else:
                event.callbacks.append(self.check)
        self.callbacks.append(self._build_value)

    def _check(self, event: Event) -> None:
        """One of the events was processed: the first one triggers this one."""
        if self._value is PENDING:
            self.succeed()

    def _build_value(self, event: Event) -> None:
        """Processed: the events still pending forget it, and its value lists those processed."""
        for each in self._events:
            if self.check in each.callbacks:
                each.callbacks.remove(self.check)
        self._value = [each for each in self._events if each.processed]


class Environment:
    """The clock and the queue of triggered events."""

    def __init__(self, initial_time: float = 0.0) -> None:
        self.now = float(initial_time)  # hours; set by the kernel alone
        self._queue: list[Event] = []  # a binary heap by (_at, _order), as heapq keeps one
        self._ids = 0  # the id the next event queued takes (simpy counts with itertools.count)
        self.active_process: Process | None = None

    def schedule(self, event: Event, priority: int = NORMAL, delay: float = 0.0) -> None:
        """Queue ``event`` ``delay`` hours from now."""
        _push(self._queue, event, self.now + delay, priority * PRIORITY_SPAN + self.take_id())

    def schedule_in(self, event: Event, eid: int) -> None:
        """Queue ``event`` now, at normal priority, in the place of the id ``eid`` taken earlier (``take_id``)."""
        _push(self._queue, event, self.now, NORMAL * PRIORITY_SPAN + eid)

    def next_is(self, eid: int) -> bool:
        """Would an event queued now at normal priority with the id ``eid`` be the next one processed?"""
        queue = self._queue
        if not queue:
            return True
        first = queue[0]
        return first._at > self.now or first._order > NORMAL * PRIORITY_SPAN + eid

    def take_id(self) -> int:
        """Take the id the next event would have (``sim.model.instant`` reserves an event's place with it)."""
        eid = self._ids
        self._ids = eid + 1
        return eid

    def event(self) -> Event:
        """A new pending event."""
        return Event(self)

    def timeout(self, delay: float = 0.0, value: Any = None) -> Timeout:
        """An event that fires ``delay`` hours from now, with ``value``."""
        return Timeout(self, delay, value)

    def process(self, generator: ProcessGenerator) -> Process:
        """Start a process: the generator runs from its first line at this instant, urgently."""
        return Process(self, generator)

    def step(self) -> None:
        """Process the next event: the clock moves to its time and its callbacks run."""
        event = _pop(self._queue)
        self.now = event._at
        self.process_now(event)
        if not event._ok and not event._defused:  # a process failed and none waiting on it took the exception
            raise _copy(event._value)

    def process_now(self, event: Event) -> None:
        """Process ``event`` (taken off the queue, or never queued: ``sim.model.instant.trigger``): its waiting
        process and its callbacks run."""
        event.processed = True
        waiter, callbacks = event._waiter, event._callbacks
        event._waiter = event._callbacks = None  # a callback added from now on is never called, as before
        if waiter is not None:
            waiter._resume(event)
        if callbacks is not None:
            for callback in callbacks:
                callback(event)

    def run(self, until: float | None = None) -> None:
        """Process events until the clock reaches ``until`` hours (events of that time queued earlier than
        it are processed: simpy's urgent stop event marks the place), or, without ``until``, until none is
        left."""
        queue = self._queue
        if until is None:
            while queue:
                self.step()
            return
        at = float(until)
        if at <= self.now:
            raise ValueError(f"until ({at}) must be greater than the current simulation time")
        stop = Event(self)
        stop._value = None
        self.schedule(stop, URGENT, at - self.now)
        while queue:
            if queue[0] is stop:
                self.now = _pop(queue)._at
                return
            self.step()
        raise RuntimeError(f"no scheduled events left but the run did not reach {at} h")


def _before(a: Event, b: Event) -> bool:
    """Does ``a`` come before ``b`` in the queue? (simpy compares (time, priority, id) tuples)"""
    return a._at < b._at or (a._at == b._at and a._order < b._order)


def _push(queue: list[Event], event: Event, at: float, order: int) -> None:
    """heapq.heappush of ``event`` at its place: the sift of heapq's own Python version."""
    event._at = at
    event._order = order
    queue.append(event)
    _sift_down(queue, 0, len(queue) - 1)


def _pop(queue: list[Event]) -> Event:
    """heapq.heappop: the first event, taken off the queue."""
    last = queue.pop()
    if not queue:
        return last
    first = queue[0]
    queue[0] = last
    _sift_up(queue, 0)
    return first


def _sift_down(queue: list[Event], start: int, pos: int) -> None:
    """heapq._siftdown: move the event at ``pos`` up towards the root until its parent comes before it."""
    event = queue[pos]
    while pos > start:
        parent_pos = (pos - 1) >> 1
        parent = queue[parent_pos]
        if not _before(event, parent):
            break
        queue[pos] = parent
        pos = parent_pos
    queue[pos] = event


def _sift_up(queue: list[Event], pos: int) -> None:
    """heapq._siftup: move the smaller child up until a leaf is reached, then sift the event down there."""
    end, start, event = len(queue), pos, queue[pos]
    child = 2 * pos + 1
    while child < end:
        right = child + 1
        if right < end and not _before(queue[child], queue[right]):
            child = right
        queue[pos] = queue[child]
        pos = child
        child = 2 * pos + 1
    queue[pos] = event
    _sift_down(queue, start, pos)


def _copy(failure: BaseException) -> BaseException:
    """The exception an event failed with, raised again as simpy does: a copy, caused by the original."""
    copied = type(failure)(*failure.args)
    copied.__cause__ = failure
    return copied
