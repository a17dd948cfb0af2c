package io.jevent.buffer;

import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Re-pointable direct {@link ByteBuffer} flyweights over arbitrary off-heap memory.
 * <p>
 * java.nio channels only take ByteBuffers, and the JDK offers no public way to wrap a raw address
 * (JNI's NewDirectByteBuffer is the only one). A view is a duplicate of a tiny template direct
 * buffer whose {@code address} and {@code capacity} fields are overwritten through Agrona's
 * {@link UnsafeApi}; field offsets are resolved once. Re-pointing allocates nothing, so one view per
 * I/O slot or extent slot serves for its whole life. The template keeps no memory alive: whoever
 * re-points a view owns the memory it points at and must re-point it (to nothing: address 0,
 * capacity 0) before that memory is freed or handed on, if the view may still be used.
 */
final class DirectViews
{
    private static final ByteBuffer TEMPLATE = ByteBuffer.allocateDirect(1);
    private static final long ADDRESS_OFFSET = BufferUtil.BYTE_BUFFER_ADDRESS_FIELD_OFFSET;
    private static final long CAPACITY_OFFSET = UnsafeApi.objectFieldOffset(java.nio.Buffer.class, "capacity");

    private DirectViews()
    {
    }

    /**
     * @return a new view, pointing at nothing useful until {@link #repoint} is called
     */
    static ByteBuffer newView()
    {
        return TEMPLATE.duplicate().order(ByteOrder.nativeOrder());
    }

    /**
     * @return a new read-only view (for gathering writes), pointing at nothing useful until
     *     {@link #repoint} is called
     */
    static ByteBuffer newReadOnlyView()
    {
        return TEMPLATE.asReadOnlyBuffer().order(ByteOrder.nativeOrder());
    }

    /**
     * Points {@code view} at {@code [address, address + capacity)} with position 0 and limit capacity.
     *
     * @param view     a buffer made by {@link #newView()}
     * @param address  start of the memory
     * @param capacity its length in bytes
     * @return the same view
     */
    static ByteBuffer repoint(final ByteBuffer view, final long address, final int capacity)
    {
        UnsafeApi.putLong(view, ADDRESS_OFFSET, address);
        UnsafeApi.putInt(view, CAPACITY_OFFSET, capacity);
        view.clear();
        return view;
    }
}
