/**
 * The samples users copy: an echo server ({@link io.jevent.samples.EchoServer}, each connection served
 * by {@link io.jevent.samples.EchoHandler}) and an echo client ({@link io.jevent.samples.EchoClient}),
 * launched by {@code samples/bin/echo-server} and {@code samples/bin/echo-client}; with them
 * {@link io.jevent.samples.JvmFlags}, the JVM flags any jevent JVM needs, and
 * {@link io.jevent.samples.StreamPattern}, the checked byte stream of the tests and of bench's soak.
 */
package io.jevent.samples;
