package io.jevent.loop;

import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.List;

/**
 * Lincheck model checking of the {@link EventBase} state machine (IDLE, RUNNING, FREEING, FREED, the owner thread
 * and the free request) when {@link EventBase#free()} on one thread races {@link EventBase#loop}, a use of the base
 * or a second free() on others. The model checker switches threads at the reads and writes of those fields, so
 * it forces interleavings that the stress tests of {@link AdversarialLoopSuite} meet once in thousands of rounds,
 * or never on an idle machine.
 * <p>
 * The contract as a sequential model: a base is usable (loop() runs, {@link EventBase#checkUsable()} passes) until
 * it is freed, then refuses with {@code IllegalStateException} ("freed"); free() returns with the base freed.
 * {@link WrongThreadException} is never right here: nobody else runs the loop, the base is being freed. Each test
 * failed on every run before the loop-free-race fix:
 * <ul>
 *   <li>loop() and free(): free() found the base idle, a loop() claimed it (RUNNING, owner = the loop thread),
 *       free() read that owner, took it for an agent host and returned with the base not freed. Before the
 *       agent-race fix it also forced loop() into WrongThreadException, the failure AdversarialLoopSuite's
 *       shouldNeverSayWrongThreadWhenALoopStartsWhileAnotherThreadFrees saw once: enter() read the free request
 *       and the state (IDLE), free() claimed the base (FREEING) and set itself as owner, enter() read that owner.</li>
 *   <li>a use and free(): checkUsable() found the base not FREED, then an owner, the freeing thread, which holds
 *       the idle base through its whole teardown, and threw WrongThreadException naming it.</li>
 *   <li>two loop() calls and two free() calls: the first loop left without seeing the request, the second free()
 *       waiting for it found the base FREEING by the first free() and returned before it was FREED.</li>
 * </ul>
 * Only the nio backend: the state machine is the same on every backend, and it keeps the model checker away from
 * JNA. {@code -Djevent.lincheck.freeRaceInterleavings} raises the number of interleavings tried per test.
 */
public final class EventBaseFreeRaceLincheckTest
{
    private static final String RAN = "ran";
    private static final String FREED = "freed";
    private static final String WRONG_THREAD = "WrongThreadException";
    private static final int INVOCATIONS = Integer.getInteger("jevent.lincheck.freeRaceInterleavings", 1_000);

    /**
     * loop() on one thread, free() on another: loop() runs or is refused as freed, free() returns it freed.
     */
    @Test
    void shouldNeverSayWrongThreadToALoopStartingWhileAnotherThreadFrees()
    {
        check(scenario(List.of(List.of(actor("loop")), List.of(actor("free")))));
    }

    /**
     * A call on an idle base (what {@link EventBase#checkUsable()} guards) on one thread, free() on another.
     */
    @Test
    void shouldNeverSayWrongThreadToAUseWhileAnotherThreadFrees()
    {
        check(scenario(List.of(List.of(actor("use")), List.of(actor("free")))));
    }

    /**
     * Two loop() calls in a row on one thread, free() on two others.
     */
    @Test
    void shouldReturnFromEveryFreeWithTheBaseFreedWhileLoopsStart()
    {
        check(scenario(List.of(List.of(actor("loop"), actor("loop")), List.of(actor("free")),
            List.of(actor("free")))));
    }

    /**
     * Agrona's UnsafeApi runs as one step (Lincheck cannot instrument it, see RemoteInboxLincheckTest); the loop
     * bound lets teardown walk its signal slots without being taken for a livelock.
     */
    private static void check(final ExecutionScenario scenario)
    {
        final ModelCheckingOptions options = new ModelCheckingOptions()
            .addGuarantee(ManagedStrategyGuaranteeKt.forClasses("org.agrona.UnsafeApi").allMethods().treatAsAtomic())
            .loopBound(4 * SignalRegistry.MAX_SIGNAL)
            .iterations(0)
            .invocationsPerIteration(INVOCATIONS)
            .sequentialSpecification(Model.class);
        options.addCustomScenario(scenario);
        options.check(Subject.class);
    }

    private static ExecutionScenario scenario(final List<List<Actor>> threads)
    {
        return new ExecutionScenario(List.of(), threads, List.of(), null);
    }

    private static Actor actor(final String operation)
    {
        for (final Method m : Subject.class.getMethods())
        {
            if (m.getName().equals(operation) && null != m.getAnnotation(Operation.class))
            {
                return new Actor(m, List.of());
            }
        }
        throw new IllegalArgumentException("no operation " + operation);
    }

    /**
     * One fresh base per explored execution, freed by the scenario.
     */
    public static final class Subject
    {
        private final EventBase base = new EventBase(new EventBaseConfig().backend("nio"));

        /**
         * One non-blocking pass of the loop.
         *
         * @return {@link #RAN}, {@link #FREED} if refused as freed, {@link #WRONG_THREAD} if refused as misuse
         */
        @Operation
        public String loop()
        {
            try
            {
                base.loop(LoopFlags.NONBLOCK);
                return RAN;
            }
            catch (final WrongThreadException ex)
            {
                return WRONG_THREAD;
            }
            catch (final IllegalStateException ex)
            {
                return FREED;
            }
        }

        /**
         * What every mutating call of the base and its events starts with.
         *
         * @return {@link #RAN}, {@link #FREED} if refused as freed, {@link #WRONG_THREAD} if refused as misuse
         */
        @Operation
        public String use()
        {
            try
            {
                base.checkUsable();
                return RAN;
            }
            catch (final WrongThreadException ex)
            {
                return WRONG_THREAD;
            }
            catch (final IllegalStateException ex)
            {
                return FREED;
            }
        }

        /**
         * @return whether the base was freed when free() returned
         */
        @Operation
        public boolean free()
        {
            base.free();
            return base.isFreed();
        }

        /**
         * Every scenario frees the base: it must be freed, and its selector closed, when all threads are done.
         */
        @Validate
        public void checkFreed()
        {
            if (!base.isFreed())
            {
                throw new IllegalStateException("a base freed by free() is not freed");
            }
        }
    }

    /**
     * The contract one call at a time.
     */
    public static final class Model
    {
        private boolean freed;

        /**
         * @return {@link #RAN} until freed, then {@link #FREED}
         */
        public String loop()
        {
            return freed ? FREED : RAN;
        }

        /**
         * @return {@link #RAN} until freed, then {@link #FREED}
         */
        public String use()
        {
            return freed ? FREED : RAN;
        }

        /**
         * @return true
         */
        public boolean free()
        {
            freed = true;
            return true;
        }
    }
}
