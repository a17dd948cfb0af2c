package io.jevent.buffer;

/**
 * End-of-line styles of {@link Evbuffer#readLine} and {@link Evbuffer#searchEol}, as libevent's
 * {@code evbuffer_eol_style}.
 */
public enum EolStyle
{
    /** Any run of consecutive CR and LF bytes ends a line (libevent EVBUFFER_EOL_ANY). */
    ANY,
    /** A LF, optionally preceded by one CR, ends a line; a lone CR is not an EOL (EVBUFFER_EOL_CRLF). */
    CRLF,
    /** Only CR LF ends a line (EVBUFFER_EOL_CRLF_STRICT). */
    CRLF_STRICT,
    /** Only LF ends a line; a CR before it stays in the line (EVBUFFER_EOL_LF). */
    LF,
    /** A single NUL byte ends a line (EVBUFFER_EOL_NUL). */
    NUL
}
