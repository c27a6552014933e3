package org.refam.onnx;

import org.refam.api.AttentionExtractor;
import org.refam.core.testkit.AttentionExtractorConformanceTest;

/**
 * The ONNX extractor honours the backend contract of refam-core's conformance kit, on the tiny per-head bundle
 * (the kit asks for per-head and text-to-text attention).
 */
class OnnxAttentionExtractorConformanceTest extends AttentionExtractorConformanceTest {
    @Override
    protected AttentionExtractor createExtractor() {
        return OnnxAttentionExtractor.open(Fixture.load("tiny-perhead").bundle(), "cpu");
    }
}
