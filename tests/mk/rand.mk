# rand/ tests: statistics use libm (lgamma, exp) in the test programs only.
test_health_LDLIBS := -lm
