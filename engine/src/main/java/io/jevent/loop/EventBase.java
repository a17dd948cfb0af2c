package io.jevent.loop;

import io.jevent.buffer.BufferOwner;
import io.jevent.buffer.CallbackDeferrer;
import io.jevent.buffer.SegmentPool;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.nio.channels.SelectableChannel;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * libevent's {@code event_base}: runs callbacks when fds become readable or writable, when timeouts
 * expire and when signals arrive, on one of several backends (epoll through JNA, a java.nio Selector,
 * either of them busy-spinning).
 *
 * <h2>Running it</h2>
 * {@link #loop(int)} / {@link #dispatch()} on a thread of yours, exactly as libevent; or as an Agrona
 * {@link Agent}: {@link #doWork()} runs one non-blocking duty cycle and returns an honest count of
 * the work done, so an {@code AgentRunner} (own thread), an {@code AgentInvoker} (the user's thread)
 * or a {@code CompositeAgent} can host it.
 *
 * <h2>Semantics</h2>
 * Those of libevent 2.1's {@code event_base_loop} (libevent-semantics.md §1.15): priorities with one
 * queue served per pass, activation inversion, ONCE/NONBLOCK/NO_EXIT_ON_EMPTY, loopExit finishing the
 * current pass, loopBreak after the current callback, once-events, common timeouts in FIFO order,
 * persistent timeouts without drift, signals delivered k times, a time cache inside callbacks.
 *
 * <h2>Threads</h2>
 * Every object made for a base (its events, the bufferevents and listeners on it, their buffers)
 * belongs to the base. It may be <i>created</i> on any thread and handed over; it is <i>used</i> on
 * the thread that runs the base's loop ({@link #loop}, {@link #dispatch}, or {@link #doWork} under an
 * Agrona agent host between {@link #onStart()} and {@link #onClose()}). While a loop runs, a call from
 * any other thread throws {@link WrongThreadException} before touching anything (a volatile load and a
 * compare; {@code jevent.loop.threadChecks=false} turns it off). Before a loop runs, between runs and
 * after it stopped, one thread at a time may use them, as for any unshared object.
 * <p>
 * From any thread, at any time: {@link #execute(Runnable)}, {@link #activateFromAnyThread(Event, int)},
 * {@link #loopBreak()}, {@link #loopExit(long, TimeUnit)} and {@link #free()}. They go through a
 * lock-free inbox whose wakeup costs no syscall when the loop is already awake; a full inbox or a
 * freed base refuses a task with {@link RejectedExecutionException}, it never makes the caller spin.
 *
 * <h2>Errors in callbacks</h2>
 * An exception thrown by a callback (event, deferred callback, task, finalizer) goes to the base's
 * error handler ({@link EventBaseConfig#errorHandler}); the default reports it through
 * {@link System.Logger} and the loop keeps running. {@link LoopErrorHandlers#RETHROW} makes
 * {@link #loop} stop and throw it instead (the base stays usable).
 */
public final class EventBase implements Agent, CallbackDeferrer, BufferOwner, Executor, AutoCloseable
{
    /** Upper bound (exclusive) of {@link #priorityInit(int)}. */
    public static final int MAX_PRIORITIES = 256;
    /** Most common timeouts per base (libevent's MAX_COMMON_TIMEOUTS). */
    public static final int MAX_COMMON_TIMEOUTS = 256;
    /** Deferred callbacks queued per pass before the rest move to the next pass. */
    public static final int MAX_DEFERREDS_QUEUED = 32;

    /** The cross-thread entry: tasks, activations and wakeups from other threads. */
    final RemoteInbox inbox;
    /** Timeouts: the heap and the common-timeout queues. */
    final Timeouts timeouts;
    /** Callbacks due to run, per priority. */
    final ActiveQueues active;
    /** Events on fds, and the readiness the backend reports for them. */
    final EvMap evmap;
    /** Events on signals, and the arrivals not yet delivered. */
    final SignalMap signals;
    private final IoBackend backend;
    private final SegmentPool pool;
    private final NanoClock clock;
    private final boolean busySpin;
    private final IdleStrategy idle;
    private final int remoteDrainLimit;
    private final Finalizers finalizers;
    private final TimeCache time;
    private final LoopCounters counters = new LoopCounters();
    private final String method;

    private final OnceEvents onceEvents;
    private final LoopControl control = new LoopControl(this);
    private final Ownership ownership = new Ownership(this, control);

    /**
     * A base with the defaults of {@link LoopConfiguration} (backend chosen by {@code jevent.backend},
     * else the best available).
     */
    public EventBase()
    {
        this(new EventBaseConfig());
    }

    /**
     * @param config backend, busy-spin, priorities, dispatch limits, queue sizes, clock
     */
    public EventBase(final EventBaseConfig config)
    {
        this.inbox = new RemoteInbox(config.remoteQueueCapacity(), this::wakeBackend);
        this.backend = Backends.create(config.backend());
        backend.owner(this);
        this.pool = config.pool();
        this.clock = config.clock();
        this.time = new TimeCache(clock);
        this.busySpin = config.busySpin();
        this.idle = config.idleStrategy();
        this.remoteDrainLimit = config.remoteDrainLimit();
        this.finalizers = new Finalizers(config.errorHandler(), counters);
        this.method = busySpin ? backend.method() + "-busy-spin" : backend.method();
        this.timeouts = new Timeouts(this, clock);
        this.active = new ActiveQueues(control, finalizers, timeouts, counters, config);
        this.onceEvents = new OnceEvents(this, active);
        this.evmap = new EvMap(backend, active);
        this.signals = new SignalMap(inbox, active, busySpin);
    }

    // ------------------------------------------------------------------ identity and settings

    /**
     * @return the backend in use: {@code "epoll"}, {@code "nio"}, or either with {@code "-busy-spin"}
     */
    public String method()
    {
        return method;
    }

    /**
     * How the backend reaches the kernel: {@code "ffm"} (java.lang.foreign, the default for epoll on
     * JDK 22+) or {@code "jna"} (JDK 17–21, or {@code -Djevent.native=jna}) for epoll, {@code "jdk"} for
     * nio. Together with {@link #method()} it names what a benchmark row measured.
     *
     * @return {@code "ffm"}, {@code "jna"} or {@code "jdk"}
     */
    public String binding()
    {
        return backend.binding();
    }

    /**
     * @return the backend's feature bits ({@link IoBackend#FEATURE_CLOSED} …)
     */
    public int features()
    {
        return backend.features();
    }

    /**
     * @return the segment pool buffers made for this base draw from
     */
    public SegmentPool pool()
    {
        return pool;
    }

    /**
     * @return the transports of this base's backend, for buffered sockets
     */
    public TransportFactory transports()
    {
        return backend.transports();
    }

    /**
     * @return the number of priority queues
     */
    public int priorities()
    {
        return active.priorities();
    }

    /**
     * Sets the number of priority queues (libevent {@code event_base_priority_init}); new events get
     * priority n / 2.
     *
     * @param n 1 to 255
     * @return 0, or -1 if n is out of range or any callback is active
     */
    public int priorityInit(final int n)
    {
        checkUsable();
        if (n < 1 || n >= MAX_PRIORITIES || active.count() > 0)
        {
            return -1;
        }
        active.init(n);
        return 0;
    }

    /**
     * @return the loop's counters
     */
    public LoopCounters counters()
    {
        return counters.refresh(backend, timeouts.size());
    }

    // ------------------------------------------------------------------ events

    /**
     * An event on a raw fd (epoll backend), or on fd -1: never ready, but its timeout works.
     *
     * @param fd       the fd, or -1
     * @param events   READ, WRITE, CLOSED, PERSIST, ET, or 0 / TIMEOUT for a pure timer
     * @param callback what to run
     * @return the event, not yet added
     */
    public Event newEvent(final int fd, final int events, final EventCallback callback)
    {
        checkOpen();
        Objects.requireNonNull(callback, "callback");
        if (fd < -1)
        {
            throw new IllegalArgumentException("bad fd " + fd);
        }
        if (0 != (events & EventFlags.SIGNAL))
        {
            throw new IllegalArgumentException("use newSignal for signal events");
        }
        if (fd >= 0 && 0 != (events & EventFlags.IO_MASK) && 0 == (backend.features() & IoBackend.FEATURE_RAW_FDS))
        {
            throw new IllegalArgumentException(method + " backend needs a SelectableChannel, not a raw fd");
        }
        return new Event(this, fd, null, events, callback);
    }

    /**
     * An event on a JDK channel (any backend). The channel must be non-blocking for the nio backend.
     *
     * @param channel  socket, server socket, datagram or pipe channel
     * @param events   READ, WRITE, CLOSED, PERSIST, ET
     * @param callback what to run
     * @return the event, not yet added
     */
    public Event newEvent(final SelectableChannel channel, final int events, final EventCallback callback)
    {
        checkOpen();
        Objects.requireNonNull(callback, "callback");
        if (0 != (events & EventFlags.SIGNAL))
        {
            throw new IllegalArgumentException("use newSignal for signal events");
        }
        return new Event(this, ChannelFds.fdOf(channel), channel, events, callback);
    }

    /**
     * A timer (libevent {@code evtimer_new}); add it with a timeout.
     *
     * @param persist  true to fire periodically
     * @param callback what to run
     * @return the timer, not yet added
     */
    public Event newTimer(final boolean persist, final EventCallback callback)
    {
        return newEvent(-1, persist ? EventFlags.PERSIST : 0, callback);
    }

    /**
     * A signal event (libevent {@code evsignal_new}); its callback gets (signum, SIGNAL) once per
     * arrival.
     *
     * @param signum   the signal number (see {@link #signalNumber(String)})
     * @param persist  true to stay pending after each run
     * @param callback what to run
     * @return the event, not yet added
     */
    public Event newSignal(final int signum, final boolean persist, final EventCallback callback)
    {
        checkOpen();
        Objects.requireNonNull(callback, "callback");
        if (signum < 1 || signum > SignalRegistry.MAX_SIGNAL)
        {
            throw new IllegalArgumentException("bad signal number " + signum);
        }
        return new Event(this, signum, null, EventFlags.SIGNAL | (persist ? EventFlags.PERSIST : 0), callback);
    }

    /**
     * @param name a signal name without "SIG", such as "USR2" or "TERM"
     * @return its number
     */
    public static int signalNumber(final String name)
    {
        return SignalRegistry.number(name);
    }

    /**
     * Raises a signal in this process.
     *
     * @param signum the signal number
     */
    public static void raiseSignal(final int signum)
    {
        SignalRegistry.raise(signum);
    }

    /**
     * Runs {@code callback} once (libevent {@code event_base_once}): on READ/WRITE readiness of the
     * channel-less fd or on the timeout, whichever comes first. A TIMEOUT-only once with a zero
     * timeout is activated at once, without a timer. Pending once-events are dropped with the base.
     *
     * @param fd       fd or -1
     * @param events   READ, WRITE, TIMEOUT (no SIGNAL, no PERSIST)
     * @param timeout  the timeout, or negative for none
     * @param unit     its unit
     * @param callback what to run
     * @return 0, or -1 for SIGNAL, PERSIST, or no event kind at all
     */
    public int once(final int fd, final int events, final long timeout, final TimeUnit unit,
        final EventCallback callback)
    {
        checkUsable();
        return onceEvents.once(fd, events, timeout, unit, callback);
    }

    /**
     * Returns the common timeout of that duration (libevent {@code event_base_init_common_timeout}).
     *
     * @param duration at least 0
     * @param unit     its unit
     * @return the same handle for the same duration
     * @throws IllegalStateException if the base already has {@link #MAX_COMMON_TIMEOUTS}
     */
    public CommonTimeout initCommonTimeout(final long duration, final TimeUnit unit)
    {
        checkUsable();
        final long nanos = unit.toNanos(duration);
        if (nanos < 0)
        {
            throw new IllegalArgumentException("negative duration");
        }
        return timeouts.common(nanos);
    }

    // ------------------------------------------------------------------ loop control

    /**
     * Runs until no events are pending (libevent {@code event_base_dispatch} = {@code loop(0)}).
     *
     * @return 0 after loopExit/loopBreak, 1 when no events were left, -1 on a backend error
     */
    public int dispatch()
    {
        return loop(0);
    }

    /**
     * libevent's {@code event_base_loop}.
     *
     * @param flags {@link LoopFlags#ONCE}, {@link LoopFlags#NONBLOCK}, {@link LoopFlags#NO_EXIT_ON_EMPTY}
     * @return 0 after loopExit/loopBreak (or after ONCE / NONBLOCK ran its course), 1 when no events
     *     were pending, -1 on a backend error or a reentrant call
     * @throws IllegalStateException if the base is freed
     * @throws WrongThreadException if another thread runs the loop or hosts it as an agent
     */
    public int loop(final int flags)
    {
        final int entered = ownership.enter(false);
        if (Ownership.GONE == entered)
        {
            throw new IllegalStateException("event base is freed");
        }
        if (Ownership.REENTRANT == entered)
        {
            return -1;
        }
        int retval = 0;
        try
        {
            boolean done = false;
            while (!done)
            {
                active.newPass();
                if (control.gotTerm() || control.gotBreak() || ownership.freeRequested())
                {
                    break;
                }
                if (0 == (flags & LoopFlags.NO_EXIT_ON_EMPTY) && 0 == eventCount() && 0 == active.count() &&
                    !inbox.hasWork())
                {
                    finalizers.runAll();
                    retval = 1;
                    break;
                }
                final long timeout = 0 != active.count() || 0 != (flags & LoopFlags.NONBLOCK) ? 0 : timeouts.next();
                final int n = cycle(timeout);
                if (n < 0)
                {
                    retval = -1;
                    break;
                }
                if (control.gotBreak() || ownership.freeRequested())
                {
                    break;
                }
                if (0 != active.count())
                {
                    final int ran = active.process();
                    time.endPass(counters);
                    if (0 != (flags & LoopFlags.ONCE) && 0 == active.count() && 0 != ran)
                    {
                        done = true;
                    }
                }
                else if (0 != (flags & LoopFlags.NONBLOCK))
                {
                    done = true;
                }
            }
        }
        finally
        {
            exit();
        }
        return retval;
    }

    /**
     * Exits the loop after {@code timeout} (libevent {@code event_base_loopexit}): the current pass
     * finishes, then {@link #loop} returns 0. With several pending exits the earliest wins.
     *
     * Callable from any thread: from another thread while the loop runs it is handed to the loop
     * and wakes it.
     *
     * @param timeout delay, 0 for "after this pass"; a timeout too large to represent never fires
     * @param unit    its unit
     * @return 0, or -1 if the base is freed or its inbox full
     */
    public int loopExit(final long timeout, final TimeUnit unit)
    {
        Objects.requireNonNull(unit, "unit");
        if (timeout < 0)
        {
            throw new IllegalArgumentException("negative timeout: " + timeout);
        }
        return control.loopExit(timeout, unit);
    }

    /**
     * Same as {@code loopExit(0, ...)}.
     *
     * @return 0
     */
    public int loopExit()
    {
        return loopExit(0, TimeUnit.NANOSECONDS);
    }

    /**
     * Makes {@link #loop} return right after the callback now running; other active callbacks wait
     * (libevent {@code event_base_loopbreak}). Callable from any thread: a sleeping loop is woken and
     * returns before running any callback.
     *
     * @return 0
     */
    public int loopBreak()
    {
        return control.loopBreak();
    }

    /**
     * Makes the loop re-poll right after the callback now running (libevent {@code event_base_loopcontinue}).
     *
     * @return 0
     */
    public int loopContinue()
    {
        checkUsable();
        if (isRunning())
        {
            active.continueLoop();
        }
        return 0;
    }

    /**
     * @return true if the last loop ended by loopExit, until the next loop starts
     */
    public boolean gotExit()
    {
        return control.gotTerm();
    }

    /**
     * @return true if the last loop ended by loopBreak, until the next loop starts
     */
    public boolean gotBreak()
    {
        return control.gotBreak();
    }

    /**
     * @return true while {@link #loop} (or {@link #doWork()}) runs; readable from any thread
     */
    public boolean isRunning()
    {
        return Ownership.RUNNING == ownership.state();
    }

    /**
     * @return true once {@link #free()} completed; readable from any thread
     */
    public boolean isFreed()
    {
        return Ownership.FREED == ownership.state();
    }

    /**
     * Netty's {@code inEventLoop}: whether the calling thread is the one running this base's loop (or
     * hosting it as an agent) right now. Off it, calls that may cross threads are handed to the loop.
     *
     * @return true only on the loop thread while a loop runs or an agent host holds the base
     */
    public boolean inLoopThread()
    {
        return ownership.inLoopThread();
    }

    /**
     * @return true once {@link #free()} was asked for, from any thread, even if the loop has not yet
     *     finished freeing
     */
    public boolean isFreeing()
    {
        return ownership.freeRequested() || isFreed();
    }

    /**
     * {@link BufferOwner}: refuses a call from a thread other than the one running the loop. A base that
     * another thread is freeing (it holds the idle base while it tears it down) is freed for this caller,
     * not used from the wrong thread.
     *
     * @throws IllegalStateException if another thread is freeing the base, or has freed it meanwhile
     * @throws WrongThreadException  if another thread runs the loop
     */
    @Override
    public void checkThread()
    {
        ownership.checkThread();
    }

    /**
     * Refuses use of a freed base or use from the wrong thread; what every mutating call of the base
     * and its events starts with.
     *
     * @throws IllegalStateException if the base is freed, or being freed by another thread
     * @throws WrongThreadException  if another thread runs the loop
     */
    public void checkUsable()
    {
        checkOpen();
        checkThread();
    }

    // ------------------------------------------------------------------ time

    /**
     * @return the monotonic time in nanoseconds, cached right after the last poll while callbacks run
     */
    public long now()
    {
        return time.now();
    }

    /**
     * @return wall-clock microseconds since the epoch, cached like {@link #now()}
     *     (libevent {@code event_base_gettimeofday_cached})
     */
    public long gettimeofdayCached()
    {
        return time.wallMicros();
    }

    /**
     * Drops the time cache so the next {@link #now()} reads the clock (libevent {@code event_base_update_cache_time}).
     */
    public void updateCacheTime()
    {
        time.refresh();
    }

    // ------------------------------------------------------------------ cross-thread

    /**
     * Runs {@code task} on the loop thread in a coming pass, from any thread; tasks run in the order
     * they were queued. Tasks still queued when the base is freed run during {@link #free()}. An
     * exception thrown by the task goes to the error handler.
     *
     * @param task what to run
     * @throws RejectedExecutionException at once, without waiting, if the inbox is full
     *     ({@link EventBaseConfig#remoteQueueCapacity}) or the base is freed
     */
    @Override
    public void execute(final Runnable task)
    {
        Objects.requireNonNull(task, "task");
        inbox.execute(task, !inLoopThread());
    }

    /**
     * {@link #execute} without the exception: for producers that back off (or drop) when the loop
     * falls behind.
     *
     * @param task what to run
     * @return true if queued; false if the inbox is full or the base freed
     */
    public boolean tryExecute(final Runnable task)
    {
        Objects.requireNonNull(task, "task");
        return inbox.offer(task, !inLoopThread());
    }

    /**
     * Activates an event from any thread (libevent's thread-safe {@code event_active}). Activations
     * arriving before the loop handles them are OR-ed together into one run. Never blocks and never
     * fails for lack of room: an event waits in the inbox at most once.
     *
     * @param event an event of this base
     * @param res   what to report to the callback
     * @throws RejectedExecutionException if the base is freed
     */
    public void activateFromAnyThread(final Event event, final int res)
    {
        if (event.base != this)
        {
            throw new IllegalArgumentException("event of another base");
        }
        inbox.activate(event, res, !inLoopThread());
    }

    /**
     * Wakes the loop if it sleeps in the backend; costs no syscall when it is awake. A no-op once the
     * base is freed.
     */
    public void wakeupFromAnyThread()
    {
        if (!inLoopThread())
        {
            inbox.wakeup();
        }
    }

    private void wakeBackend()
    {
        counters.wakeup();
        backend.wakeup();
    }

    /**
     * {@link CallbackDeferrer}: runs {@code task} later in this loop, at priority n / 2, on the loop
     * thread. At most {@link #MAX_DEFERREDS_QUEUED} per pass; the rest run in the next pass. Loop thread
     * only (other threads use {@link #execute}).
     *
     * @param task what to run
     * @throws WrongThreadException from another thread while the loop runs
     */
    @Override
    public void defer(final Runnable task)
    {
        checkUsable();
        active.defer(task);
    }

    /**
     * Runs {@code task} at the start of the next loop pass, or when the base is freed if no pass comes
     * first (libevent's finalizers): how freed bufferevents close their socket and return their
     * buffers after the callbacks that may still reference them have finished.
     *
     * @param task cleanup to run on the loop thread
     */
    public void finalizeLater(final Runnable task)
    {
        Objects.requireNonNull(task, "task");
        checkUsable();
        finalizers.add(task);
    }

    // ------------------------------------------------------------------ Agent

    /**
     * One non-blocking duty cycle: poll with a zero timeout, expire timers, run active callbacks. A cycle that
     * finds {@link #free()} asked for frees the base instead; a freed base's cycle, or one while another thread
     * frees it, does nothing.
     *
     * @return callbacks run plus fds found ready: 0 when there was nothing to do; 1 when it freed the base
     * @throws IllegalStateException from a callback of this base
     */
    @Override
    public int doWork()
    {
        final int entered = ownership.enter(true);
        if (Ownership.GONE == entered)
        {
            return 0;
        }
        if (Ownership.REENTRANT == entered)
        {
            throw new IllegalStateException("doWork inside a running loop");
        }
        try
        {
            if (ownership.freeRequested())
            {
                return 1;
            }
            active.newPass();
            final int ready = cycle(0);
            if (ready < 0)
            {
                throw new IllegalStateException("backend failed: " + backend.lastError());
            }
            final int ran = 0 != active.count() ? active.process() : 0;
            time.endPass(counters);
            return ready + ran;
        }
        finally
        {
            exit();
        }
    }

    /**
     * Binds the base to the agent host's thread (AgentRunner's thread, or the thread calling
     * {@code AgentInvoker.start()}): from now until {@link #onClose()} the thread checks hold between
     * duty cycles too, not only inside {@link #doWork()}. The binding is taken as a duty cycle is, so a
     * {@link #free()} from another thread meanwhile is left to this host. A base already freed, or being
     * freed by another thread (a free() that came before its host started), binds nothing: like its
     * {@code doWork()}, its {@code onStart()} does nothing, so the other agents of a composite run on.
     *
     * @throws WrongThreadException if another thread runs or hosts the loop
     */
    @Override
    public void onStart()
    {
        ownership.onStart();
    }

    /**
     * @return "jevent-" plus the method
     */
    @Override
    public String roleName()
    {
        return "jevent-" + method;
    }

    /**
     * Frees the base when the agent host that started it closes (a host whose {@link #onStart()} was
     * refused, because another thread runs or hosts the base, frees nothing).
     */
    @Override
    public void onClose()
    {
        if (ownership.hostedByCaller())
        {
            free();
        }
    }

    // ------------------------------------------------------------------ free

    /**
     * Frees the base (libevent {@code event_base_free}): pending events are dropped (their callbacks
     * never run), tasks still queued by {@link #execute} and finalizers (freed bufferevents closing
     * their sockets) run, signal handlers are restored and the backend closed. Idempotent.
     * <p>
     * Safe from any thread and at any time, unlike libevent: when no loop runs it frees at once; from
     * inside a callback it makes the loop stop after that callback and free on its way out; from another
     * thread while the loop runs it asks the loop to do the same, wakes it, and waits until it has
     * (except from inside a callback of another loop that the first is itself waiting for, inside its
     * own callback, to be freed: two loops freeing each other return at once and each frees on its way
     * out). A base hosted by an agent (between {@link #onStart()} and {@link #onClose()}) whose host
     * thread is alive is freed by that thread in its next {@link #doWork()}: from another thread between
     * duty cycles this asks for it and returns at once ({@link #isFreeing()} is then true,
     * {@link #isFreed()} once done); during a duty cycle it waits, like for a running loop, until that
     * cycle has ended and freed the base on its way out. Either way the host's objects are never freed
     * under it, whatever moment of the duty cycle the request comes in. A base freed before its host
     * started (before {@link #onStart()}) is freed at once by the caller; a freed base's
     * {@code onStart()} and {@code doWork()} do nothing. From a task or finalizer that this free runs,
     * free() returns at once. A {@link #loop} that claims the base while free() looks at it is
     * waited for like any running loop: free() never takes a loop's thread for an agent host.
     * Afterwards every call on the base or its events throws {@link IllegalStateException}, except
     * {@code free()} and the read-only accessors; {@link Event#free()} and the bufferevents'
     * {@code free()} still release what they own.
     */
    public void free()
    {
        ownership.free();
    }

    /**
     * What {@link #free()} does, on the thread that holds the base: take in the last cross-thread
     * work, run it and the finalizers, then release signals and the backend.
     */
    void teardown()
    {
        inbox.close();
        Throwable first = active.runAcceptedTasks(finalizers);
        Runnable r;
        while (null != (r = inbox.pollTask()))
        {
            first = finalizers.runCollecting(r, first);
        }
        first = finalizers.runAll(first);
        signals.close();
        backend.close();
        if (null != first)
        {
            LoopErrorHandlers.RETHROW.onError(first);
        }
    }

    /**
     * Leaves {@link #loop} or {@link #doWork}: drops the time cache, frees the base if that was asked meanwhile.
     */
    private void exit()
    {
        time.clear();
        ownership.exit();
    }

    /**
     * Same as {@link #free()}.
     */
    @Override
    public void close()
    {
        free();
    }

    // ================================================================== internals: one pass

    /**
     * Poll (blocking up to {@code timeoutNanos}, or spinning), refresh the time cache, expire timers,
     * take in cross-thread work and signals.
     *
     * @return number of ready fds, or -1 on a backend error
     */
    private int cycle(final long timeoutNanos)
    {
        if (!finalizers.isEmpty())
        {
            finalizers.runAll();
        }
        active.moveLaterActive();
        time.clear();
        final int n = busySpin ? pollSpinning(timeoutNanos) : pollBlocking(timeoutNanos);
        if (n < 0)
        {
            return -1;
        }
        timeouts.expire(time.update());
        inbox.drain(active, remoteDrainLimit);
        if (signals.pending())
        {
            signals.process();
        }
        counters.iterations++;
        return n;
    }

    private int pollBlocking(final long timeoutNanos)
    {
        long t = timeoutNanos;
        if (0 != t)
        {
            final long deadline = t < 0 ? RemoteInbox.NONE : Math.min(RemoteInbox.NONE - 1,
                Timeouts.deadlineAfter(clock.nanoTime(), t));
            if (inbox.sleeping(deadline) || signals.pending() || control.gotBreak() || ownership.freeRequested())
            {
                t = 0;
            }
        }
        final int n = backend.poll(t, evmap);
        inbox.awake();
        return n;
    }

    private int pollSpinning(final long timeoutNanos)
    {
        final long deadline = timeoutNanos > 0 ? Timeouts.deadlineAfter(clock.nanoTime(), timeoutNanos) :
            Timeouts.NEVER;
        while (true)
        {
            final int n = backend.poll(0, evmap);
            if (0 != n || 0 == timeoutNanos || inbox.hasWork() || signals.pending() || control.gotBreak() ||
                ownership.freeRequested() || (Timeouts.NEVER != deadline && clock.nanoTime() - deadline >= 0))
            {
                idle.reset();
                return n;
            }
            idle.idle(0);
        }
    }

    // ================================================================== internals

    /**
     * @return libevent's {@code event_count}: events of users added, with a timeout, or active
     */
    private int eventCount()
    {
        return evmap.eventCount() + signals.eventCount() + timeouts.eventCount() + active.eventCount();
    }

    private void checkOpen()
    {
        if (isFreed())
        {
            throw new IllegalStateException("event base is freed");
        }
    }
}
