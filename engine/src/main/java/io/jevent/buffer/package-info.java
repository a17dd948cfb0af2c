/**
 * Off-heap buffers: libevent's evbuffer as {@link io.jevent.buffer.Evbuffer}, a chain of segments
 * from a {@link io.jevent.buffer.SegmentPool}.
 * <p>
 * Every byte that crosses jevent lives in an Evbuffer. Bytes move between buffers by relinking
 * segments, reach the kernel through native iovec arrays ({@link io.jevent.buffer.IovecArray}) or
 * java.nio ByteBuffer views of the segments, and are scanned in place (search, lines, peek).
 * Steady-state operations allocate nothing: segments are pooled, positions
 * ({@link io.jevent.buffer.EvbufferPtr}) and extents ({@link io.jevent.buffer.Extents}) are
 * reusable holders, and callbacks receive primitives.
 */
package io.jevent.buffer;
