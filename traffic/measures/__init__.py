"""Municipal traffic-safety measures (trafiksäkerhetsåtgärder)."""
