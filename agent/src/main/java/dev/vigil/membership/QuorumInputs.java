package dev.vigil.membership;

/**
 * What a quorum policy needs from membership: the votes of the current members and of the whole
 * configured cluster. The policy itself (more than half, tie-breakers) belongs to the layer above.
 */
public record QuorumInputs(long viewNumber, int presentVotes, int totalVotes) {}
