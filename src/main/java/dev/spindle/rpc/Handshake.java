package dev.spindle.rpc;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * Mutual challenge-response authentication with the application secret, before any payload is decoded.
 *
 * <pre>
 * server -> client   MAGIC, server nonce (32 bytes)
 * client -> server   MAGIC, client nonce (32 bytes), HMAC(secret, "client", server nonce, client nonce)
 * server -> client   HMAC(secret, "server", server nonce, client nonce)
 * </pre>
 *
 * Only fixed-size byte strings cross the wire; the secret never does, and a replayed proof is useless against a
 * fresh nonce. A server shared by several applications (the NodeManager's shuffle service) tries each secret it
 * knows against the client's proof: the one that matches names the client's application. The server proves itself
 * too, so an executor never talks to an impostor driver. A server that already has as many unauthenticated
 * connections as it allows greets with {@link #BUSY} instead and closes.
 *
 * <p>Both sides read straight from the socket, exactly the bytes of the handshake (no buffer that could swallow
 * what follows), and the whole exchange has one deadline: each read waits only for the time left, so a peer that
 * trickles a byte at a time gains nothing.
 */
final class Handshake {
    private static final byte[] MAGIC = "SPINDLE1".getBytes(StandardCharsets.US_ASCII);
    /** The greeting of a server at its limit of unauthenticated connections: try again shortly. */
    static final byte[] BUSY = "SPINBUSY".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLIENT = "client".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER = "server".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE = 32;
    private static final int MAC = 32;
    /** Bytes a client sends: magic, nonce and proof. */
    static final int CLIENT_BYTES = 8 + NONCE + MAC;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Handshake() {
    }

    /**
     * Runs the server side, finishing by {@code deadlineNanos} ({@link System#nanoTime()}), for a client that knows one
     * of {@code secrets}: returns that secret, or null when the peer failed to authenticate (the caller closes the
     * socket). Throws {@link SocketTimeoutException} past the deadline.
     */
    static AppSecret accept(Socket socket, Collection<AppSecret> secrets, long deadlineNanos) throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        byte[] serverNonce = nonce();
        out.write(concat(MAGIC, serverNonce));
        out.flush();
        byte[] magic = readFully(socket, in, MAGIC.length, deadlineNanos);
        if (!Arrays.equals(magic, MAGIC)) {
            return null;
        }
        byte[] clientNonce = readFully(socket, in, NONCE, deadlineNanos);
        byte[] proof = readFully(socket, in, MAC, deadlineNanos);
        for (AppSecret secret : secrets) {
            if (MessageDigest.isEqual(proof, secret.mac(CLIENT, serverNonce, clientNonce))) {
                out.write(secret.mac(SERVER, serverNonce, clientNonce));
                out.flush();
                return secret;
            }
        }
        return null;
    }

    /** Tells a peer the server is busy; the caller closes the socket. */
    static void refuseBusy(Socket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(BUSY);
        out.flush();
    }

    /**
     * Runs the client side by {@code deadlineNanos}: true once both sides are authenticated, false when the server
     * is busy (it closes the connection; try again). Throws when the server is not Spindle's or does not know the
     * secret.
     */
    static boolean connect(Socket socket, AppSecret secret, String peer, long deadlineNanos) throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        byte[] magic = readFully(socket, in, MAGIC.length, deadlineNanos);
        if (Arrays.equals(magic, BUSY)) {
            return false;
        }
        if (!Arrays.equals(magic, MAGIC)) {
            throw new RpcException(peer + " is not a Spindle RPC endpoint (unexpected greeting)");
        }
        byte[] serverNonce = readFully(socket, in, NONCE, deadlineNanos);
        byte[] clientNonce = nonce();
        out.write(concat(MAGIC, clientNonce, secret.mac(CLIENT, serverNonce, clientNonce)));
        out.flush();
        byte[] proof;
        try {
            proof = readFully(socket, in, MAC, deadlineNanos);
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            throw new RpcException(peer + " refused the connection: authentication failed (the application "
                    + "secret differs)", e);
        }
        if (!MessageDigest.isEqual(proof, secret.mac(SERVER, serverNonce, clientNonce))) {
            throw new RpcException(peer + " failed to prove it knows the application secret");
        }
        return true;
    }

    /** Exactly {@code length} bytes, each read waiting only for what is left until the deadline. */
    private static byte[] readFully(Socket socket, InputStream in, int length, long deadlineNanos)
            throws IOException {
        byte[] bytes = new byte[length];
        int read = 0;
        while (read < length) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (left <= 0) {
                throw new SocketTimeoutException("handshake deadline passed");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            int n = in.read(bytes, read, length - read);
            if (n < 0) {
                throw new EOFException("connection closed after " + read + " of " + length + " bytes");
            }
            read += n;
        }
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    private static byte[] nonce() {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        return nonce;
    }
}
