package dev.vigil.importer;

import java.util.List;

/**
 * What an import made: the cluster file's text and the key file's content (the old key carried
 * over, or a new one), the remarks for the operator and what could not be carried over.
 */
public record ImportResult(String yaml, byte[] key, List<String> notes, List<Unmapped> unmapped) {
    public ImportResult {
        key = key.clone();
        notes = List.copyOf(notes);
        unmapped = List.copyOf(unmapped);
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    /** A new random key as the cluster file's docs make one: 32 random bytes, base64, one line. */
    public static byte[] newKey(java.security.SecureRandom random) {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        return (java.util.Base64.getEncoder().encodeToString(raw) + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
