package dev.spindle.rpc;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

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
 * fresh nonce. The server proves itself too, so an executor never talks to an impostor driver.
 */
final class Handshake {
    private static final byte[] MAGIC = "SPINDLE1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLIENT = "client".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER = "server".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE = 32;
    private static final int MAC = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Handshake() {
    }

    /** Runs the server side; false when the peer failed to authenticate (the caller closes the connection). */
    static boolean accept(DataInputStream in, DataOutputStream out, AppSecret secret) throws IOException {
        byte[] serverNonce = nonce();
        out.write(MAGIC);
        out.write(serverNonce);
        out.flush();
        byte[] magic = new byte[MAGIC.length];
        byte[] clientNonce = new byte[NONCE];
        byte[] proof = new byte[MAC];
        in.readFully(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            return false;
        }
        in.readFully(clientNonce);
        in.readFully(proof);
        if (!MessageDigest.isEqual(proof, secret.mac(CLIENT, serverNonce, clientNonce))) {
            return false;
        }
        out.write(secret.mac(SERVER, serverNonce, clientNonce));
        out.flush();
        return true;
    }

    /** Runs the client side; throws when the server is not Spindle's or does not know the secret. */
    static void connect(DataInputStream in, DataOutputStream out, AppSecret secret, String peer) throws IOException {
        byte[] magic = new byte[MAGIC.length];
        byte[] serverNonce = new byte[NONCE];
        in.readFully(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new RpcException(peer + " is not a Spindle RPC endpoint (unexpected greeting)");
        }
        in.readFully(serverNonce);
        byte[] clientNonce = nonce();
        out.write(MAGIC);
        out.write(clientNonce);
        out.write(secret.mac(CLIENT, serverNonce, clientNonce));
        out.flush();
        byte[] proof = new byte[MAC];
        try {
            in.readFully(proof);
        } catch (IOException e) {
            throw new RpcException(peer + " refused the connection: authentication failed (the application "
                    + "secret differs)", e);
        }
        if (!MessageDigest.isEqual(proof, secret.mac(SERVER, serverNonce, clientNonce))) {
            throw new RpcException(peer + " failed to prove it knows the application secret");
        }
    }

    private static byte[] nonce() {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        return nonce;
    }
}
