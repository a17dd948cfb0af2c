package io.jevent.loop;

import io.jevent.buffer.BufferOwner;
import io.jevent.buffer.CallbackDeferrer;
import io.jevent.buffer.SegmentPool;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.nio.channels.SelectableChannel;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.locks.LockSupport;

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
 * lock-free inbox with a wakeup that costs no syscall when the loop is already awake (Netty's
 * AWAKE/NONE/deadline word); a full inbox or a freed base refuses a task with
 * {@link RejectedExecutionException}, it never makes the caller spin.
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

    /** A deadline that never comes: a timeout too large to represent means "never". */
    static final long NEVER = Long.MAX_VALUE;

    private static final int IDLE = 0;
    private static final int RUNNING = 1;
    private static final int FREED = 2;
    /** An idle base being freed by the thread that called {@link #free()}. */
    private static final int FREEING = 3;
    /** {@link #enter}: the calling thread now runs the base. */
    private static final int ENTERED = 0;
    /** {@link #enter}: a callback of the base's own loop, on its thread, asked to enter again. */
    private static final int REENTRANT = 1;
    /** {@link #enter}: the base is freed, or being freed by another thread (or, for loop(), asked to be). */
    private static final int GONE = 2;
    /** Threads waiting in {@link #free()} for another base's loop to exit, to refuse a waiting cycle. */
    private static final java.util.concurrent.ConcurrentHashMap<Thread, EventBase> FREE_WAITERS =
        new java.util.concurrent.ConcurrentHashMap<>();
    private static final AtomicIntegerFieldUpdater<EventBase> STATE =
        AtomicIntegerFieldUpdater.newUpdater(EventBase.class, "state");
    private static final boolean THREAD_CHECKS = LoopConfiguration.threadChecks();

    private final IoBackend backend;
    private final SegmentPool pool;
    private final FdTable fds = new FdTable();
    private final TimerHeap timers = new TimerHeap();
    private final NanoClock clock;
    private final boolean busySpin;
    private final IdleStrategy idle;
    private final int maxDispatchCallbacks;
    private final long maxDispatchIntervalNanos;
    private final int limitAfterPriority;
    private final int remoteDrainLimit;
    private final RemoteInbox inbox;
    private final ErrorHandler errorHandler;
    private final AtomicIntegerArray signalCounts = new AtomicIntegerArray(SignalRegistry.MAX_SIGNAL + 1);
    private final Event[] signalHeads = new Event[SignalRegistry.MAX_SIGNAL + 1];
    private final ActiveQueue activeLater = new ActiveQueue();
    private final CommonTimeout[] commonTimeouts = new CommonTimeout[MAX_COMMON_TIMEOUTS];
    private final ReadySink sink = new Sink();
    private final LoopCounters counters = new LoopCounters();
    private final String method;
    private volatile boolean signalPending;

    private ActiveQueue[] activeQueues;
    private int activeCount;
    private int eventCount;
    private int commonTimeoutCount;
    private int runningPriority = -1;
    private volatile int state = IDLE;
    private volatile Thread ownerThread;
    private volatile boolean freeRequested;
    private boolean agentOwned;
    private boolean gotTerm;
    private volatile boolean gotBreak;
    private boolean gotContinue;
    private int deferredsQueued;
    private long cachedNanos;
    private long cachedWallMicros;
    private long cachedAtNanos;
    private DeferredTask freeDeferred;
    private final java.util.ArrayDeque<Runnable> finalizers = new java.util.ArrayDeque<>();
    private final EventCallback exitCallback = (e, fd, what) -> gotTerm = true;

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
        this.busySpin = config.busySpin();
        this.idle = config.idleStrategy();
        this.maxDispatchCallbacks = config.maxDispatchCallbacks();
        this.maxDispatchIntervalNanos = config.maxDispatchIntervalNanos();
        this.limitAfterPriority = Math.min(config.limitCallbacksAfterPriority(), Integer.MAX_VALUE);
        this.remoteDrainLimit = config.remoteDrainLimit();
        this.errorHandler = config.errorHandler();
        this.method = busySpin ? backend.method() + "-busy-spin" : backend.method();
        initQueues(config.priorities());
    }

    // ------------------------------------------------------------------ identity and settings

    /**
     * @return the backend in use: {@code "epoll"}, {@code "nio"}, or either with {@code "-busy-spin"}
     */
    public String getMethod()
    {
        return method;
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
        return activeQueues.length;
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
        if (n < 1 || n >= MAX_PRIORITIES || activeCount > 0)
        {
            return -1;
        }
        initQueues(n);
        return 0;
    }

    /**
     * @return the loop's counters
     */
    public LoopCounters counters()
    {
        counters.syscalls = backend.syscalls();
        backend.ioCounters().copyTo(counters);
        counters.timers = timers.size();
        return counters;
    }

    int defaultPriority()
    {
        return activeQueues.length / 2;
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
        if (0 != (events & (EventFlags.SIGNAL | EventFlags.PERSIST)) ||
            0 == (events & (EventFlags.TIMEOUT | EventFlags.READ | EventFlags.WRITE | EventFlags.CLOSED)))
        {
            return -1;
        }
        final Event e = newEvent(fd, events & ~EventFlags.TIMEOUT, callback);
        e.once = true;
        if (0 == (events & EventFlags.IO_MASK) && timeout <= 0)
        {
            activate(e, EventFlags.TIMEOUT, 1);
            return 0;
        }
        return timeout >= 0 ? e.add(timeout, unit) : e.add();
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
        for (int i = 0; i < commonTimeoutCount; i++)
        {
            if (commonTimeouts[i].durationNanos == nanos)
            {
                return commonTimeouts[i];
            }
        }
        if (commonTimeoutCount == MAX_COMMON_TIMEOUTS)
        {
            throw new IllegalStateException("too many common timeouts");
        }
        final CommonTimeout ct = new CommonTimeout(this, nanos);
        commonTimeouts[commonTimeoutCount++] = ct;
        return ct;
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
        final int entered = enter(false);
        if (GONE == entered)
        {
            throw new IllegalStateException("event base is freed");
        }
        if (REENTRANT == entered)
        {
            return -1;
        }
        int retval = 0;
        try
        {
            boolean done = false;
            while (!done)
            {
                gotContinue = false;
                deferredsQueued = 0;
                if (gotTerm || gotBreak || freeRequested)
                {
                    break;
                }
                if (0 == (flags & LoopFlags.NO_EXIT_ON_EMPTY) && 0 == eventCount && 0 == activeCount &&
                    activeLater.isEmpty() && !inbox.hasWork())
                {
                    runFinalizers();
                    retval = 1;
                    break;
                }
                final long timeout = 0 != activeCount || 0 != (flags & LoopFlags.NONBLOCK) ? 0 : timeoutNext();
                final int n = cycle(timeout);
                if (n < 0)
                {
                    retval = -1;
                    break;
                }
                if (gotBreak || freeRequested)
                {
                    break;
                }
                if (0 != activeCount)
                {
                    final int ran = processActive();
                    endPass();
                    if (0 != (flags & LoopFlags.ONCE) && 0 == activeCount && 0 != ran)
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
        if (FREED == state)
        {
            return -1;
        }
        if (!inLoopThread())
        {
            try
            {
                inbox.execute(() -> loopExitOnLoop(timeout, unit), true);
                return 0;
            }
            catch (final RejectedExecutionException ex)
            {
                return -1;
            }
        }
        return once(-1, EventFlags.TIMEOUT, timeout, unit, exitCallback);
    }

    private void loopExitOnLoop(final long timeout, final TimeUnit unit)
    {
        if (FREED != state)
        {
            once(-1, EventFlags.TIMEOUT, timeout, unit, exitCallback);
        }
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
        gotBreak = true;
        if (!inLoopThread())
        {
            inbox.wakeup();
        }
        return 0;
    }

    /**
     * Makes the loop re-poll right after the callback now running (libevent {@code event_base_loopcontinue}).
     *
     * @return 0
     */
    public int loopContinue()
    {
        checkUsable();
        if (RUNNING == state)
        {
            gotContinue = true;
        }
        return 0;
    }

    /**
     * @return true if the last loop ended by loopExit, until the next loop starts
     */
    public boolean gotExit()
    {
        return gotTerm;
    }

    /**
     * @return true if the last loop ended by loopBreak, until the next loop starts
     */
    public boolean gotBreak()
    {
        return gotBreak;
    }

    /**
     * @return true while {@link #loop} (or {@link #doWork()}) runs; readable from any thread
     */
    public boolean isRunning()
    {
        return RUNNING == state;
    }

    /**
     * @return true once {@link #free()} completed; readable from any thread
     */
    public boolean isFreed()
    {
        return FREED == state;
    }

    /**
     * Netty's {@code inEventLoop}: whether the calling thread is the one running this base's loop (or
     * hosting it as an agent) right now. Off it, calls that may cross threads are handed to the loop.
     *
     * @return true only on the loop thread while a loop runs or an agent host holds the base
     */
    public boolean inLoopThread()
    {
        return Thread.currentThread() == ownerThread;
    }

    /**
     * @return true once {@link #free()} was asked for, from any thread, even if the loop has not yet
     *     finished freeing
     */
    public boolean isFreeing()
    {
        return freeRequested || FREED == state;
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
        if (THREAD_CHECKS)
        {
            final Thread t = ownerThread;
            if (null != t && t != Thread.currentThread() && GONE == foreignOwner(t, true))
            {
                throw new IllegalStateException("event base is freed");
            }
        }
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
        return 0 != cachedNanos ? cachedNanos : clock.nanoTime();
    }

    /**
     * @return wall-clock microseconds since the epoch, cached like {@link #now()}
     *     (libevent {@code event_base_gettimeofday_cached})
     */
    public long gettimeofdayCached()
    {
        if (0 != cachedNanos)
        {
            if (0 == cachedWallMicros)
            {
                cachedWallMicros = System.currentTimeMillis() * 1000;
            }
            return cachedWallMicros;
        }
        return System.currentTimeMillis() * 1000;
    }

    /**
     * Drops the time cache so the next {@link #now()} reads the clock (libevent {@code event_base_update_cache_time}).
     */
    public void updateCacheTime()
    {
        if (0 != cachedNanos)
        {
            updateTimeCache();
        }
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
        deferTask(task);
    }

    private DeferredTask deferTask(final Runnable task)
    {
        DeferredTask d = freeDeferred;
        if (null == d)
        {
            d = new DeferredTask();
        }
        else
        {
            freeDeferred = d.nextFree;
            d.nextFree = null;
        }
        d.task = task;
        d.remote = false;
        d.priority = defaultPriority();
        if (deferredsQueued++ < MAX_DEFERREDS_QUEUED)
        {
            insertActive(d);
        }
        else
        {
            d.listFlags |= CallbackNode.LIST_ACTIVE_LATER;
            activeLater.append(d);
            activeCount++;
        }
        return d;
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

    private void runFinalizers()
    {
        Runnable r;
        while (null != (r = finalizers.poll()))
        {
            runGuarded(r);
        }
    }

    /**
     * Runs a finalizer or a task outside the active queues, its exception going to the error handler.
     */
    private void runGuarded(final Runnable r)
    {
        try
        {
            r.run();
        }
        catch (final Throwable t)
        {
            callbackFailed(t);
        }
    }

    /**
     * A callback threw: count it and hand it to the error handler, which may rethrow to stop the loop.
     */
    private void callbackFailed(final Throwable t)
    {
        counters.callbackErrors++;
        errorHandler.onError(t);
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
        final int entered = enter(true);
        if (GONE == entered)
        {
            return 0;
        }
        if (REENTRANT == entered)
        {
            throw new IllegalStateException("doWork inside a running loop");
        }
        try
        {
            if (freeRequested)
            {
                return 1;
            }
            gotContinue = false;
            deferredsQueued = 0;
            final int ready = cycle(0);
            if (ready < 0)
            {
                throw new IllegalStateException("backend failed: " + backend.lastError());
            }
            final int ran = 0 != activeCount ? processActive() : 0;
            endPass();
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
        final Thread me = Thread.currentThread();
        while (true)
        {
            final Thread t = ownerThread;
            final int s = state;
            if (FREED == s || FREEING == s)
            {
                return;
            }
            if (RUNNING == s && t == me)
            {
                agentOwned = true;
                return;
            }
            if (null != t && t != me)
            {
                foreignOwner(t, true);
                return;
            }
            if (IDLE == s && STATE.compareAndSet(this, IDLE, RUNNING))
            {
                agentOwned = true;
                ownerThread = me;
                state = IDLE;
                return;
            }
            Thread.onSpinWait();
        }
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
        if (agentOwned && Thread.currentThread() == ownerThread)
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
        final Thread me = Thread.currentThread();
        while (true)
        {
            final int s = state;
            if (FREED == s)
            {
                return;
            }
            if (IDLE == s)
            {
                freeRequested = true;
                final Thread host = ownerThread;
                if (null != host && host != me)
                {
                    if (IDLE != state || host != ownerThread)
                    {
                        continue;
                    }
                    if (host.isAlive())
                    {
                        inbox.wakeup();
                        return;
                    }
                }
                if (STATE.compareAndSet(this, IDLE, FREEING))
                {
                    ownerThread = me;
                    try
                    {
                        teardown();
                    }
                    finally
                    {
                        released();
                    }
                    return;
                }
                continue;
            }
            if (FREEING == s)
            {
                if (ownerThread == me)
                {
                    return;
                }
                while (FREEING == state)
                {
                    LockSupport.parkNanos(50_000);
                }
                continue;
            }
            freeRequested = true;
            gotBreak = true;
            if (ownerThread == me)
            {
                return;
            }
            inbox.wakeup();
            if (!awaitLoopExit(me))
            {
                return;
            }
        }
    }

    /**
     * Waits until the running loop has freed the base on its way out, or has left without seeing the
     * request (then the caller frees it, or waits for a third thread that already does). Does not wait if
     * that would close a cycle of loops each waiting, inside a callback, for the other to exit (two loops
     * freeing each other): the free then completes when this thread's own callback returns.
     *
     * @return true to go round again (the loop left without freeing), false when freed or not waiting
     */
    private boolean awaitLoopExit(final Thread me)
    {
        FREE_WAITERS.put(me, this);
        try
        {
            if (waitCycle(me))
            {
                return false;
            }
            while (RUNNING == state)
            {
                LockSupport.parkNanos(50_000);
            }
            return FREED != state;
        }
        finally
        {
            FREE_WAITERS.remove(me);
        }
    }

    /**
     * @return true if the loop this thread would wait for is itself (through a chain of such waits)
     *     waiting for a base whose loop runs on this thread
     */
    private boolean waitCycle(final Thread me)
    {
        Thread t = ownerThread;
        for (int hops = 0; null != t && hops < 64; hops++)
        {
            if (t == me)
            {
                return true;
            }
            final EventBase waitedFor = FREE_WAITERS.get(t);
            t = null == waitedFor ? null : waitedFor.ownerThread;
        }
        return false;
    }

    /**
     * What {@link #free()} does, on the thread that holds the base: take in the last cross-thread
     * work, run it and the finalizers, then release signals and the backend.
     */
    private void teardown()
    {
        inbox.close();
        Throwable first = runAcceptedTasks();
        Runnable r;
        while (null != (r = inbox.pollTask()))
        {
            first = runCollecting(r, first);
        }
        while (null != (r = finalizers.poll()))
        {
            first = runCollecting(r, first);
        }
        for (int s = 1; s <= SignalRegistry.MAX_SIGNAL; s++)
        {
            if (null != signalHeads[s])
            {
                SignalRegistry.unwatch(s, this);
                signalHeads[s] = null;
            }
        }
        backend.close();
        if (null != first)
        {
            LoopErrorHandlers.RETHROW.onError(first);
        }
    }

    /**
     * Runs {@code r} during teardown, which must go on whatever the error handler does.
     *
     * @return {@code first}, or what the handler threw if it is the first such
     */
    private Throwable runCollecting(final Runnable r, final Throwable first)
    {
        try
        {
            runGuarded(r);
            return first;
        }
        catch (final Throwable t)
        {
            return null == first ? t : first;
        }
    }

    /**
     * Runs, in queue order, the {@link #execute} tasks already taken from the inbox into the active
     * queues: each was accepted, so each runs exactly once, even when the base is freed before the pass
     * that would have run it. Other pending callbacks are dropped, as libevent drops them.
     *
     * @return the first exception the error handler threw, or null
     */
    private Throwable runAcceptedTasks()
    {
        Throwable first = null;
        for (int i = 0; i <= activeQueues.length; i++)
        {
            final ActiveQueue q = i < activeQueues.length ? activeQueues[i] : activeLater;
            DeferredTask d;
            while (null != (d = firstAcceptedTask(q)))
            {
                removeActive(d);
                first = runCollecting(d, first);
            }
        }
        return first;
    }

    /**
     * @return the first {@link #execute} task waiting in {@code q}, scanning from its head each time,
     *     since a task that ran may have changed the queue
     */
    private static DeferredTask firstAcceptedTask(final ActiveQueue q)
    {
        for (CallbackNode n = q.first(); null != n; n = n.activeNext)
        {
            if (n instanceof DeferredTask && ((DeferredTask)n).remote)
            {
                return (DeferredTask)n;
            }
        }
        return null;
    }

    /**
     * Enters {@link #loop} or {@link #doWork}: claims the base for the calling thread. A duty cycle claims a
     * base whose free was asked for, and frees it on its way out ({@link #exit()}): checking for the request
     * and claiming in one step leaves no moment where a free() from another thread can slip in between.
     *
     * @param dutyCycle true for {@link #doWork}, false for {@link #loop}, which refuses a base asked to free
     * @return {@link #ENTERED}, {@link #REENTRANT} for a call from a callback of this base, or {@link #GONE}
     * @throws WrongThreadException if another thread runs or hosts the loop
     */
    private int enter(final boolean dutyCycle)
    {
        final Thread me = Thread.currentThread();
        if (gone(dutyCycle))
        {
            return GONE;
        }
        final Thread owner = ownerThread;
        if (null != owner && owner != me)
        {
            return foreignOwner(owner, dutyCycle);
        }
        if (IDLE == state)
        {
            gotTerm = false;
            gotBreak = false;
        }
        if (!STATE.compareAndSet(this, IDLE, RUNNING))
        {
            if (gone(dutyCycle))
            {
                return GONE;
            }
            final Thread other = ownerThread;
            if (other == me)
            {
                return REENTRANT;
            }
            return foreignOwner(null == other ? me : other, dutyCycle);
        }
        ownerThread = me;
        return ENTERED;
    }

    /**
     * @return true if the base is freed or being freed by another thread, or (for loop()) asked to free
     */
    private boolean gone(final boolean dutyCycle)
    {
        final int s = state;
        return FREED == s || FREEING == s || (!dutyCycle && freeRequested);
    }

    /**
     * The one way to {@link WrongThreadException}: the calling thread found {@code owner} holding the base. A
     * thread that frees an idle base claims it (IDLE to FREEING) before it sets itself as the owner, and clears
     * the owner before FREED, so the state read here, after the owner was read, tells a thread freeing the base
     * (the caller finds it freed) from one that runs or hosts its loop (the caller is on the wrong thread).
     *
     * @param owner     the owner the caller read, or the caller itself if a loop claimed the base but has not
     *                  yet set itself as the owner
     * @param dutyCycle as for {@link #gone}: true for {@link #doWork} and {@link #checkThread}, where a free
     *                  only asked of a running loop or host leaves the owner in charge
     * @return {@link #GONE}
     * @throws WrongThreadException if the base is neither freed nor being freed
     */
    private int foreignOwner(final Thread owner, final boolean dutyCycle)
    {
        if (gone(dutyCycle))
        {
            return GONE;
        }
        throw new WrongThreadException(owner, Thread.currentThread());
    }

    /**
     * Leaves {@link #loop} or {@link #doWork}; frees the base if that was asked meanwhile.
     */
    private void exit()
    {
        cachedNanos = 0;
        if (freeRequested)
        {
            try
            {
                teardown();
            }
            finally
            {
                released();
            }
            return;
        }
        if (!agentOwned)
        {
            ownerThread = null;
        }
        state = IDLE;
    }

    private void released()
    {
        agentOwned = false;
        ownerThread = null;
        state = FREED;
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
            runFinalizers();
        }
        moveLaterEventsActive();
        cachedNanos = 0;
        final int n = busySpin ? pollSpinning(timeoutNanos) : pollBlocking(timeoutNanos);
        if (n < 0)
        {
            return -1;
        }
        updateTimeCache();
        expireTimers();
        drainRemote();
        if (signalPending)
        {
            processSignals();
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
                deadlineAfter(clock.nanoTime(), t));
            if (inbox.sleeping(deadline) || signalPending || gotBreak || freeRequested)
            {
                t = 0;
            }
        }
        final int n = backend.poll(t, sink);
        inbox.awake();
        return n;
    }

    private int pollSpinning(final long timeoutNanos)
    {
        final long deadline = timeoutNanos > 0 ? deadlineAfter(clock.nanoTime(), timeoutNanos) : NEVER;
        while (true)
        {
            final int n = backend.poll(0, sink);
            if (0 != n || 0 == timeoutNanos || inbox.hasWork() || signalPending || gotBreak || freeRequested ||
                (NEVER != deadline && clock.nanoTime() - deadline >= 0))
            {
                idle.reset();
                return n;
            }
            idle.idle(0);
        }
    }

    /**
     * @return {@code now + timeout}, or {@link #NEVER} where that overflows: a huge timeout means never
     */
    static long deadlineAfter(final long now, final long timeout)
    {
        final long d = now + timeout;
        return ((now ^ d) & (timeout ^ d)) < 0 ? NEVER : d;
    }

    private void endPass()
    {
        final long took = clock.nanoTime() - cachedAtNanos;
        if (took > counters.maxCycleNanos)
        {
            counters.maxCycleNanos = took;
        }
    }

    private long timeoutNext()
    {
        final Event e = timers.peek();
        if (null == e || NEVER == e.deadline)
        {
            return -1;
        }
        final long d = e.deadline - clock.nanoTime();
        return d <= 0 ? 0 : d;
    }

    private void updateTimeCache()
    {
        long now = clock.nanoTime();
        if (0 == now)
        {
            now = 1;
        }
        cachedNanos = now;
        cachedAtNanos = now;
        cachedWallMicros = 0;
    }

    private void expireTimers()
    {
        final long now = cachedNanos;
        Event e;
        while (null != (e = timers.peek()) && e.deadline <= now)
        {
            timers.remove(e);
            if (!e.isInternal())
            {
                eventCount--;
            }
            timerExpired(e);
        }
    }

    void commonTimerExpired(final Event e)
    {
        if (!e.isInternal())
        {
            eventCount--;
        }
        timerExpired(e);
    }

    void timerExpired(final Event e)
    {
        if (0 == (e.events & EventFlags.PERSIST) && e.inserted)
        {
            removeIo(e);
        }
        activate(e, EventFlags.TIMEOUT, 1);
    }

    private void drainRemote()
    {
        int budget = remoteDrainLimit;
        Event e;
        while (budget > 0 && null != (e = inbox.pollEvent()))
        {
            final int res = e.remoteTaken;
            if (!e.freed && 0 != res)
            {
                activate(e, res, 1);
            }
            budget--;
        }
        Runnable r;
        while (budget > 0 && null != (r = inbox.pollTask()))
        {
            deferTask(r).remote = true;
            budget--;
        }
    }

    private void processSignals()
    {
        signalPending = false;
        for (int s = 1; s <= SignalRegistry.MAX_SIGNAL; s++)
        {
            if (null != signalHeads[s] && 0 != signalCounts.get(s))
            {
                final int k = signalCounts.getAndSet(s, 0);
                for (Event e = signalHeads[s]; null != e; e = e.sigNext)
                {
                    activate(e, EventFlags.SIGNAL, k);
                }
            }
        }
    }

    void signalArrived(final int signum)
    {
        signalCounts.incrementAndGet(signum);
        signalPending = true;
        if (!busySpin)
        {
            inbox.wakeup();
        }
    }

    // ================================================================== internals: active queues

    private void initQueues(final int n)
    {
        activeQueues = new ActiveQueue[n];
        for (int i = 0; i < n; i++)
        {
            activeQueues[i] = new ActiveQueue();
        }
    }

    void activate(final Event e, final int res, final int ncalls)
    {
        final int state = e.listFlags & (CallbackNode.LIST_ACTIVE | CallbackNode.LIST_ACTIVE_LATER);
        if (0 != state)
        {
            e.res |= res;
            return;
        }
        e.res = res;
        if (0 != (e.events & EventFlags.SIGNAL))
        {
            e.ncalls = ncalls;
            e.signalDeleted = false;
        }
        insertActive(e);
    }

    private void insertActive(final CallbackNode n)
    {
        final int p = Math.min(n.priority, activeQueues.length - 1);
        n.priority = p;
        if (p < runningPriority)
        {
            gotContinue = true;
        }
        n.listFlags |= CallbackNode.LIST_ACTIVE;
        activeQueues[p].append(n);
        activeCount++;
        if (!n.isInternal())
        {
            eventCount++;
        }
    }

    private void removeActive(final CallbackNode n)
    {
        if (0 != (n.listFlags & CallbackNode.LIST_ACTIVE))
        {
            activeQueues[n.priority].remove(n);
            if (!n.isInternal())
            {
                eventCount--;
            }
        }
        else
        {
            activeLater.remove(n);
        }
        n.listFlags &= ~(CallbackNode.LIST_ACTIVE | CallbackNode.LIST_ACTIVE_LATER);
        activeCount--;
    }

    private void moveLaterEventsActive()
    {
        CallbackNode n;
        while (null != (n = activeLater.first()))
        {
            activeLater.remove(n);
            n.listFlags &= ~CallbackNode.LIST_ACTIVE_LATER;
            activeCount--;
            insertActive(n);
        }
    }

    private int processActive()
    {
        final long end = Long.MAX_VALUE == maxDispatchIntervalNanos ? Long.MAX_VALUE :
            deadlineAfter(clock.nanoTime(), maxDispatchIntervalNanos);
        int c = 0;
        for (int i = 0; i < activeQueues.length; i++)
        {
            if (!activeQueues[i].isEmpty())
            {
                runningPriority = i;
                c = i < limitAfterPriority ? processQueue(activeQueues[i], Integer.MAX_VALUE, Long.MAX_VALUE) :
                    processQueue(activeQueues[i], maxDispatchCallbacks, end);
                if (c != 0)
                {
                    break;
                }
            }
        }
        runningPriority = -1;
        return c < 0 ? 0 : c;
    }

    private int processQueue(final ActiveQueue q, final int maxCallbacks, final long end)
    {
        int count = 0;
        CallbackNode n;
        while (null != (n = q.first()))
        {
            final boolean internal = n.isInternal();
            removeActive(n);
            if (!internal)
            {
                count++;
            }
            try
            {
                n.runActive(this);
            }
            catch (final Throwable t)
            {
                callbackFailed(t);
            }
            counters.callbacks++;
            if (gotBreak)
            {
                return -1;
            }
            if (count >= maxCallbacks || (count > 0 && Long.MAX_VALUE != end && clock.nanoTime() - end >= 0))
            {
                return count;
            }
            if (gotContinue)
            {
                break;
            }
        }
        return count;
    }

    void runEvent(final Event e)
    {
        final int res = e.res;
        e.res = 0;
        if (0 != (e.events & EventFlags.SIGNAL))
        {
            runSignal(e, res);
            return;
        }
        if (0 != (e.events & EventFlags.PERSIST))
        {
            persistClosure(e, res);
        }
        else
        {
            delEvent(e);
        }
        if (e.once)
        {
            e.freed = true;
        }
        e.callback.onEvent(e, e.fd, res);
    }

    private void runSignal(final Event e, final int res)
    {
        int calls = e.ncalls;
        if (0 == (e.events & EventFlags.PERSIST))
        {
            delEvent(e);
        }
        e.signalDeleted = false;
        while (calls > 0 && !e.signalDeleted)
        {
            calls--;
            e.ncalls = calls;
            e.callback.onEvent(e, e.fd, res);
            if (gotBreak)
            {
                return;
            }
        }
    }

    /**
     * libevent's {@code event_persist_closure}: re-arm a persistent timeout without drift.
     */
    private void persistClosure(final Event e, final int res)
    {
        if (e.periodNanos < 0)
        {
            return;
        }
        final long now = now();
        final long relative = 0 != (res & EventFlags.TIMEOUT) ? e.deadline : now;
        long runAt = deadlineAfter(relative, e.periodNanos);
        if (runAt - now < 0)
        {
            runAt = deadlineAfter(now, e.periodNanos);
        }
        scheduleTimer(e, runAt, e.common);
    }

    // ================================================================== internals: add and del

    int addEvent(final Event e, final long timeoutNanos, final CommonTimeout common, final boolean setTimeout)
    {
        if (0 != (e.events & (EventFlags.IO_MASK | EventFlags.SIGNAL)) && !e.inserted)
        {
            final int rc = insertIo(e);
            if (rc < 0)
            {
                return rc;
            }
        }
        if (setTimeout)
        {
            if (0 != (e.events & EventFlags.PERSIST))
            {
                e.periodNanos = timeoutNanos;
                e.common = common;
            }
            scheduleTimer(e, deadlineAfter(now(), timeoutNanos), common);
        }
        return 0;
    }

    private void scheduleTimer(final Event e, final long deadline, final CommonTimeout common)
    {
        removeTimer(e);
        if (null != common)
        {
            common.enqueue(e, deadline);
        }
        else
        {
            timers.add(e, deadline);
        }
        if (!e.isInternal())
        {
            eventCount++;
        }
    }

    void removeTimer(final Event e)
    {
        if (e.heapIndex >= 0)
        {
            timers.remove(e);
        }
        else if (null != e.commonQueue)
        {
            e.commonQueue.remove(e);
        }
        else
        {
            return;
        }
        if (!e.isInternal())
        {
            eventCount--;
        }
    }

    int delEvent(final Event e)
    {
        if (e.freed)
        {
            return 0;
        }
        removeTimer(e);
        if (0 != (e.listFlags & (CallbackNode.LIST_ACTIVE | CallbackNode.LIST_ACTIVE_LATER)))
        {
            removeActive(e);
            e.res = 0;
        }
        if (e.inserted)
        {
            removeIo(e);
        }
        if (0 != (e.events & EventFlags.SIGNAL))
        {
            e.signalDeleted = true;
            e.ncalls = 0;
        }
        return 0;
    }

    private int insertIo(final Event e)
    {
        if (0 != (e.events & EventFlags.SIGNAL))
        {
            final int s = e.fd;
            if (null == signalHeads[s])
            {
                SignalRegistry.watch(s, this);
            }
            e.sigNext = signalHeads[s];
            e.sigPrev = null;
            if (null != signalHeads[s])
            {
                signalHeads[s].sigPrev = e;
            }
            signalHeads[s] = e;
            e.inserted = true;
            eventCount++;
            return 0;
        }
        if (null != e.channel && (e.fd < 0 || !e.channel.isOpen()))
        {
            return -1;
        }
        if (e.fd < 0)
        {
            e.inserted = true;
            eventCount++;
            return 0;
        }
        final FdRecord r = fds.getOrCreate(e.fd);
        if (null == r)
        {
            return -1;
        }
        if (null == r.head)
        {
            r.channel = e.channel;
            r.generation++;
        }
        else if (null != e.channel && r.channel != e.channel)
        {
            r.channel = e.channel;
            r.attachment(null);
            r.interest = 0;
        }
        countIo(r, e, 1);
        final int old = r.interest;
        final int want = r.wanted();
        if (want != old || (0 != want && 0 != (e.events & EventFlags.IO_MASK)))
        {
            if (backend.update(r, want) < 0)
            {
                countIo(r, e, -1);
                return -1;
            }
            r.interest = want;
        }
        e.fdNext = r.head;
        e.fdPrev = null;
        if (null != r.head)
        {
            r.head.fdPrev = e;
        }
        r.head = e;
        e.record = r;
        e.inserted = true;
        eventCount++;
        return 0;
    }

    private void removeIo(final Event e)
    {
        e.inserted = false;
        eventCount--;
        if (0 != (e.events & EventFlags.SIGNAL))
        {
            final int s = e.fd;
            if (null == e.sigPrev)
            {
                signalHeads[s] = e.sigNext;
            }
            else
            {
                e.sigPrev.sigNext = e.sigNext;
            }
            if (null != e.sigNext)
            {
                e.sigNext.sigPrev = e.sigPrev;
            }
            e.sigNext = null;
            e.sigPrev = null;
            if (null == signalHeads[s])
            {
                SignalRegistry.unwatch(s, this);
            }
            return;
        }
        final FdRecord r = e.record;
        if (null == r)
        {
            return;
        }
        e.record = null;
        if (null == e.fdPrev)
        {
            r.head = e.fdNext;
        }
        else
        {
            e.fdPrev.fdNext = e.fdNext;
        }
        if (null != e.fdNext)
        {
            e.fdNext.fdPrev = e.fdPrev;
        }
        e.fdNext = null;
        e.fdPrev = null;
        countIo(r, e, -1);
        final int old = r.interest;
        final int want = r.wanted();
        if (want != old)
        {
            backend.update(r, want);
            r.interest = want;
        }
        if (null == r.head)
        {
            r.channel = null;
        }
    }

    private static void countIo(final FdRecord r, final Event e, final int d)
    {
        if (0 != (e.events & EventFlags.READ))
        {
            r.nRead += d;
        }
        if (0 != (e.events & EventFlags.WRITE))
        {
            r.nWrite += d;
        }
        if (0 != (e.events & EventFlags.CLOSED))
        {
            r.nClosed += d;
        }
        if (0 != (e.events & EventFlags.ET))
        {
            r.nEdge += d;
        }
    }

    // ================================================================== internals: timers for helpers

    Event newInternalTimer(final EventCallback cb)
    {
        final Event e = new Event(this, -1, null, 0, cb);
        e.listFlags |= CallbackNode.LIST_INTERNAL;
        e.priority = 0;
        return e;
    }

    void scheduleInternal(final Event timer, final long deadline)
    {
        if (timer.heapIndex >= 0)
        {
            timers.remove(timer);
        }
        timers.add(timer, deadline);
    }

    void unscheduleInternal(final Event timer)
    {
        if (timer.heapIndex >= 0)
        {
            timers.remove(timer);
        }
    }

    private void checkOpen()
    {
        if (FREED == state)
        {
            throw new IllegalStateException("event base is freed");
        }
    }

    /**
     * A deferred or cross-thread task in an active queue; recycled after it runs.
     */
    private final class DeferredTask extends CallbackNode implements Runnable
    {
        Runnable task;
        /** An {@link #execute} task: accepted from another thread, so it must run even at free. */
        boolean remote;
        DeferredTask nextFree;

        @Override
        void runActive(final EventBase base)
        {
            run();
        }

        @Override
        public void run()
        {
            final Runnable t = task;
            task = null;
            remote = false;
            nextFree = freeDeferred;
            freeDeferred = this;
            t.run();
        }
    }

    /**
     * Turns backend readiness into activations (libevent's {@code evmap_io_active_}).
     */
    private final class Sink implements ReadySink
    {
        @Override
        public void ready(final FdRecord record, final int what)
        {
            activateFd(record, what);
        }

        @Override
        public void readyFd(final int fd, final int generation, final int what)
        {
            final FdRecord r = fds.get(fd);
            if (null != r && r.generation == generation && null != r.head)
            {
                activateFd(r, what);
            }
        }

        private void activateFd(final FdRecord r, final int what)
        {
            Event e = r.head;
            while (null != e)
            {
                final Event next = e.fdNext;
                final int res = e.events & what & EventFlags.IO_MASK;
                if (0 != res)
                {
                    activate(e, res, 1);
                }
                e = next;
            }
        }
    }
}
