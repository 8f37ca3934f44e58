package dev.vigil.fencing;

import dev.vigil.model.FenceDevice;
import java.util.Objects;
import java.util.Optional;

/**
 * One operation of one device.
 *
 * @param device the device to run
 * @param action what to do
 * @param target the node it is about; present exactly when {@link FenceAction#targetsNode()}
 */
public record FenceRequest(FenceDevice device, FenceAction action, Optional<String> target) {
    public FenceRequest {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        if (action.targetsNode() != target.isPresent()) {
            throw new IllegalArgumentException(action.wireName()
                    + (action.targetsNode() ? " needs a target node" : " takes no target node"));
        }
        target.ifPresent(t -> {
            if (t.isEmpty() || FenceDevice.hasLineBreak(t)) {
                throw new IllegalArgumentException("bad target node name");
            }
        });
    }

    public static FenceRequest node(FenceDevice device, FenceAction action, String node) {
        return new FenceRequest(device, action, Optional.of(node));
    }

    public static FenceRequest device(FenceDevice device, FenceAction action) {
        return new FenceRequest(device, action, Optional.empty());
    }
}
