package dev.spindle.rpc;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;

/**
 * A connection failed, was refused, or broke the protocol; or a message was too large to send ({@link
 * FrameTooLargeException}).
 */
public class RpcException extends SpindleException {
    private static final long serialVersionUID = 1L;

    public RpcException(String message) {
        super(ErrorCode.IO_FAILURE, message);
    }

    public RpcException(String message, Throwable cause) {
        super(ErrorCode.IO_FAILURE, message, cause);
    }
}
