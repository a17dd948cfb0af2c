/**
 * The main job: {@link io.jevent.bench.compare.Compare}, the loopback echo comparison with reports and plots.
 */
package io.jevent.bench.compare;
