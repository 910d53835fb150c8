package io.truenasgitops.reconcile;

import io.truenasgitops.truenas.AppsApi;

/** The engine tests' fake keeps the contract the emulator keeps. */
class FakeTrueNasContractTest extends AppsApiContract {

    final FakeTrueNas nas = new FakeTrueNas();

    @Override
    AppsApi api() {
        return nas;
    }
}
