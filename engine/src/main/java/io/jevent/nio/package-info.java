/**
 * The portable java.nio backend of the event loop.
 */
package io.jevent.nio;
