package io.hpp.router.chat;

import io.hpp.router.provider.CircuitBreakers;
import io.hpp.router.value.Model;

/**
 * One deployment of a model as this node sees it, for the admin API.
 *
 * @param circuit    the name of its circuit breaker (the model's id for a model of one deployment, else the deployment's)
 * @param state      its circuit's state
 * @param inFlight   requests to it under way on this node
 * @param configured whether its provider is configured on this node (a deployment whose provider is not is skipped)
 */
public record DeploymentHealth(Model.Deployment deployment, String circuit, CircuitBreakers.State state, int inFlight,
                               boolean configured) {
}
