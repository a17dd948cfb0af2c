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
 *
 * <h2>Inside Evbuffer</h2>
 * {@code Evbuffer} is the documented front: each public method checks arguments, state and threads,
 * then hands the work to package-private final classes named after the parts of libevent's
 * {@code buffer.c}, called directly (static methods, or one object per buffer):
 * <ul>
 *   <li>{@code EvbufferChain}: the segment chain (copies in, drains, expansion, pullup, spares,
 *       segments discarded until the buffer is consistent);</li>
 *   <li>{@code EvbufferMoves}: whole buffers or their front moved to another buffer without copying
 *       ({@code evbuffer_add_buffer}, {@code evbuffer_prepend_buffer}, {@code evbuffer_remove_buffer});</li>
 *   <li>{@code EvbufferReferences}: caller memory and read-only views of other buffers
 *       ({@code evbuffer_add_reference}, {@code evbuffer_add_buffer_reference});</li>
 *   <li>{@code EvbufferSearch}: positions, search, peek, copyout from a position;</li>
 *   <li>{@code EvbufferLines}: EOL search and line reading;</li>
 *   <li>{@code EvbufferReserve}: the one open reservation or I/O preparation (the buffer's claim);</li>
 *   <li>{@code EvbufferCallbacks}: change notification, the owner's hook and deferral;</li>
 *   <li>{@code EvbufferText}: ASCII and UTF-8 appends, and the buffer's text for debugging.</li>
 * </ul>
 *
 * <h2>Chain layout and invariants</h2>
 * The chain is {@code first → … → lastWithData → spare → … → last}. Every segment from first to
 * lastWithData holds at least one byte; every segment after it is an empty, exclusive, mutable
 * spare (pre-allocated room for appends, reservations and reads). When the buffer is empty
 * lastWithData is null and every segment is spare. Zero-length segments never appear among the
 * data, which rules out by construction the corruptions libevent's fuzzers found with empty
 * chains (libevent issues 774, 778, 806). Draining to empty keeps one segment as a spare, so a
 * steady add/drain cycle does not touch the pool.
 */
package io.jevent.buffer;
