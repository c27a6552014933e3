package org.refam.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.refam.api.ProgressListener;
import org.refam.api.SamplingOptions;
import org.refam.core.sink.GlobalSinkHandler;
import org.refam.core.sink.SinkMode;
import org.refam.core.text.DefaultTokenFilter;
import org.refam.core.text.MagnetRedistributor;

/** Defaults, presets, builder validation and round trips of {@link RefAMConfig}. */
class RefAMConfigTest {

    @Test
    void defaultsAreTheFullPipeline() {
        RefAMConfig c = RefAMConfig.defaults();
        assertThat(c.magnets()).isTrue();
        assertThat(((MagnetRedistributor) c.redistributor()).words()).isEqualTo(MagnetRedistributor.DEFAULT_WORDS);
        assertThat(c.blocks()).isEmpty();
        assertThat(c.keepHeads()).isFalse();
        assertThat(c.renormalization()).isEqualTo(Renormalization.AFTER_AVERAGE);
        assertThat(c.renormalizationKeys()).isEqualTo(RenormalizationKeys.ALL);
        assertThat(c.sinkHandler()).isInstanceOf(GlobalSinkHandler.class);
        assertThat(((GlobalSinkHandler) c.sinkHandler()).mode()).isEqualTo(SinkMode.REDIRECT);
        assertThat(c.tokenFilter().toString()).isEqualTo(DefaultTokenFilter.standard().toString());
        assertThat(c.smoothingSigma()).isZero();
        assertThat(c.maskThreshold()).isEqualTo(0.5);
        assertThat(c.segmenter()).isNull();
        assertThat(c.sampling()).isEqualTo(SamplingOptions.DEFAULT);
        assertThat(c.truncate()).isFalse();
        assertThat(c.keepTokenMaps()).isFalse();
        assertThat(c.listener()).isSameAs(ProgressListener.NONE);
    }

    @Test
    void rawSwitchesEveryStageOff() {
        RefAMConfig c = RefAMConfig.raw();
        assertThat(c.magnets()).isFalse();
        assertThat(c.redistributor()).isNull();
        assertThat(c.sinkHandler()).isNull();
        assertThat(c.renormalization()).isEqualTo(Renormalization.NONE);
        assertThat(c.tokenFilter().toString()).isEqualTo(DefaultTokenFilter.keepAll().toString());
        assertThat(c.smoothingSigma()).isZero();
    }

    @Test
    void toBuilderRoundTripsAndSwitchesAreIndependent() {
        RefAMConfig c = RefAMConfig.builder().magnetWords(List.of("a", "pink")).blocks(List.of(3, 1)).keepHeads(true)
                .renormalization(Renormalization.PER_SLICE).renormalizationKeys(RenormalizationKeys.NON_PADDING)
                .sinkHandler(GlobalSinkHandler.of(SinkMode.SUPPRESS)).smoothingSigma(1.5).maskThreshold(0.3)
                .sampling(new SamplingOptions(List.of(0.25, 0.5), 2, 9)).truncate(true).keepTokenMaps(true).build();
        RefAMConfig copy = c.toBuilder().build();
        assertThat(copy.toString()).isEqualTo(c.toString());
        assertThat(c.toString()).contains("[a, pink]", "[3, 1]", "PER_SLICE", "NON_PADDING", "SUPPRESS", "1.5", "0.3",
                "truncate=true", "keepTokenMaps=true");
        RefAMConfig noMagnets = c.toBuilder().magnets(false).build();
        assertThat(noMagnets.magnets()).isFalse();
        assertThat(noMagnets.renormalization()).isEqualTo(Renormalization.PER_SLICE);
        assertThat(noMagnets.smoothingSigma()).isEqualTo(1.5);
        assertThat(noMagnets.toBuilder().magnets(true).build().redistributor().toString())
                .isEqualTo(MagnetRedistributor.standard().toString());
        assertThat(c.toBuilder().magnets(true).build().redistributor()).isSameAs(c.redistributor());
        assertThat(c.toBuilder().magnetWords(List.of()).build().magnets()).isFalse();
        assertThat(c.blocks()).containsExactly(3, 1);
    }

    @Test
    void builderRejectsBadValuesNamingThem() {
        RefAMConfig.Builder b = RefAMConfig.builder();
        assertThatThrownBy(() -> b.smoothingSigma(-0.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-0.5");
        assertThatThrownBy(() -> b.smoothingSigma(Double.NaN)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> b.maskThreshold(0)).hasMessageContaining("0.0");
        assertThatThrownBy(() -> b.maskThreshold(1.5)).hasMessageContaining("1.5");
        assertThatThrownBy(() -> b.blocks(List.of(1, 1))).hasMessageContaining("[1, 1]");
        assertThatThrownBy(() -> b.blocks(List.of(-2))).hasMessageContaining("-2");
        assertThatThrownBy(() -> b.magnetWords(List.of("a", " "))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.tokenFilter(null)).isInstanceOf(NullPointerException.class);
        assertThat(b.listener(null).build().listener()).isSameAs(ProgressListener.NONE);
    }
}
