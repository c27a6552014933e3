package org.refam.api;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Options for opening an {@link AttentionExtractor} through its {@link AttentionExtractorProvider}.
 *
 * <p>Thread-safety: immutable; build with {@link #builder()}.
 */
public final class ExtractorOptions {
    private final Path model;
    private final String device;
    private final Map<String, String> properties;

    private ExtractorOptions(Builder b) {
        this.model = b.model;
        this.device = b.device;
        this.properties = Map.copyOf(b.properties);
    }

    /** Defaults: the provider's default model, device {@code auto}, no properties. */
    public static ExtractorOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The model folder, or {@code null} for the provider's default (bundled) model. */
    public Path model() {
        return model;
    }

    /** {@code auto} (try the GPU, fall back to CPU), {@code cpu}, or {@code cuda:N}. */
    public String device() {
        return device;
    }

    /** Provider-specific settings, documented by each provider. */
    public Map<String, String> properties() {
        return properties;
    }

    /** A property or {@code fallback} when absent. */
    public String property(String key, String fallback) {
        return properties.getOrDefault(key, fallback);
    }

    /** A builder initialised with these options. */
    public Builder toBuilder() {
        Builder b = new Builder().model(model).device(device);
        b.properties.putAll(properties);
        return b;
    }

    @Override
    public String toString() {
        return "ExtractorOptions{model=" + model + ", device=" + device + ", properties=" + properties + "}";
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private Path model;
        private String device = "auto";
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder model(Path model) {
            this.model = model;
            return this;
        }

        public Builder device(String device) {
            Objects.requireNonNull(device, "device");
            String d = device.trim().toLowerCase(java.util.Locale.ROOT);
            if (!d.equals("auto") && !d.equals("cpu") && !d.matches("cuda(:\\d+)?")) {
                throw new IllegalArgumentException("device must be auto, cpu or cuda:N, got '" + device + "'");
            }
            this.device = d;
            return this;
        }

        public Builder property(String key, String value) {
            properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public ExtractorOptions build() {
            return new ExtractorOptions(this);
        }
    }
}
