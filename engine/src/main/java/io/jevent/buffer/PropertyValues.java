package io.jevent.buffer;

/**
 * Reading jevent's configuration properties, for {@link BufferConfiguration} and the loop's
 * {@code LoopConfiguration} alike: an unset property gives its default; a value that is set but
 * invalid is refused with an {@link IllegalArgumentException} naming the property and the value,
 * never silently replaced by the default (as {@link Long#getLong} and {@link Boolean#parseBoolean} do).
 */
public final class PropertyValues
{
    private PropertyValues()
    {
    }

    /**
     * @param name         the property, for the message
     * @param value        its value, or null if unset
     * @param defaultValue what an unset property means
     * @param min          smallest allowed value
     * @param max          largest allowed value
     * @return the value: decimal, or 0x/#/0-prefixed as {@link Long#decode} reads it
     * @throws IllegalArgumentException if the value is not a number in [min, max]
     */
    public static long inRange(final String name, final String value, final long defaultValue, final long min,
        final long max)
    {
        if (null == value)
        {
            return defaultValue;
        }
        final long v;
        try
        {
            v = Long.decode(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw invalid(name, value, "a number");
        }
        if (v < min || v > max)
        {
            throw invalid(name, value, "in [" + min + ", " + max + "]");
        }
        return v;
    }

    /**
     * @param name         the property, for the message
     * @param value        its value, or null if unset
     * @param defaultValue what an unset property means
     * @return true or false, in any case
     * @throws IllegalArgumentException if the value is neither: a misspelt switch must not mean false
     */
    public static boolean bool(final String name, final String value, final boolean defaultValue)
    {
        if (null == value)
        {
            return defaultValue;
        }
        final String t = value.trim();
        if ("true".equalsIgnoreCase(t))
        {
            return true;
        }
        if ("false".equalsIgnoreCase(t))
        {
            return false;
        }
        throw invalid(name, value, "true or false");
    }

    /**
     * @param name     the property
     * @param value    its value
     * @param expected what it must be
     * @return the exception to throw
     */
    public static IllegalArgumentException invalid(final String name, final String value, final String expected)
    {
        return new IllegalArgumentException("invalid " + name + "=" + value + ": must be " + expected);
    }
}
