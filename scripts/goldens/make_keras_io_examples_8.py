"""Goldens for tests/examples/test_keras_io_examples_8.py: an eighth set of keras.io code
examples (keras-team/keras-io, examples/), reinforcement learning and sequence ones not
covered by make_keras_io_examples*.py or make_keras_io_guides.py, each as a Keras 3 user
runs it: the model and training code as written, the imports aside, at a reduced size, on
synthetic NumPy data of the dataset's shapes and dtypes (in place of downloads and tf.data)
and with tiny deterministic stand-ins for the gym environments, with the trainable weights
drawn from a fixed RNG after building, dropout rates 0 and random augmentation left out (the
only changes, each noted where it is made).

These examples are written with TensorFlow (`tf.GradientTape`, `tf.one_hot`, `tf.function`,
...), so their goldens come from Keras's TensorFlow backend (/work/tfenv's Keras 3.15.1),
TensorFlow itself as `tf`. With numkeras the tape is numkeras's `GradientTape` and the few
`tf.*` functions called are their `keras.ops` counterparts (`_tf`). `np.random` /
`tf.random` draws are draws of a seeded NumPy generator in both runs (so both see the same
numbers); `.numpy()` on an eager tensor is `ops.convert_to_numpy` (numkeras's eager results
are NumPy arrays: see make_keras_io_examples_7.py's eager_tensor_numpy).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the
test) returning JSON-able values.

Run (Keras 3.15.1 on TensorFlow; optionally only the scenarios named):
    KERAS_BACKEND=tensorflow /work/tfenv/bin/python scripts/goldens/make_keras_io_examples_8.py
"""

# (the examples' code as written: its unused settings, loop names and mutable defaults kept)
# ruff: noqa: F841, B007, B006, UP031, UP032, E731

from __future__ import annotations

import pathlib
import random
import sys
import types

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, scenario_script  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "keras_io_examples_8.json"
SCENARIOS = Scenarios()
# (every scenario's goldens come from Keras's TensorFlow backend: the examples use TensorFlow)
tf_scenario = SCENARIOS.scenario_on("tensorflow")

# the helpers of the third and seventh sets: summary lines, weights drawn from one RNG,
# rounding, History, synthetic images, the `tf` stand-in
_THIRD = scenario_script("make_keras_io_examples_3")
_summary, _init, _f, _hist, _images = (
    _THIRD._summary,
    _THIRD._init,
    _THIRD._f,
    _THIRD._hist,
    _THIRD._images,
)
_SEVENTH = scenario_script("make_keras_io_examples_7")


def _tf(keras):
    """The `tf` functions the examples call: TensorFlow itself on Keras's TensorFlow
    backend, elsewhere their `keras.ops` counterparts (and the backend's tape)."""
    base = _SEVENTH._tf(keras)
    if not isinstance(base, types.SimpleNamespace):
        return base
    ops = keras.ops

    def argmax(x, axis=0):  # (TensorFlow's default axis is 0, keras.ops's None)
        return ops.argmax(x, axis=axis)

    def tf_range(start, limit=None, delta=1, dtype="int32"):
        if limit is None:
            start, limit = 0, start
        return ops.arange(start, limit, delta, dtype=dtype)

    def cast(x, dtype):
        return ops.cast(x, dtype)

    base.argmax = argmax
    base.range = tf_range
    base.cast = cast
    base.int32 = "int32"
    base.bool = "bool"
    base.tanh = ops.tanh
    base.exp = ops.exp
    base.where = ops.where
    base.minimum = ops.minimum
    base.one_hot = lambda indices, depth: ops.one_hot(indices, depth)
    base.multiply = ops.multiply
    base.reduce_max = ops.max
    base.equal = ops.equal
    base.tile = ops.tile
    base.cond = lambda pred, true_fn, false_fn: ops.cond(pred, true_fn, false_fn)
    base.math.log = ops.log
    base.math.sqrt = ops.sqrt
    base.math.square = ops.square
    base.math.reduce_mean = ops.mean
    base.math.not_equal = ops.not_equal
    base.math.logical_and = ops.logical_and
    base.nn.log_softmax = lambda logits, axis=-1: ops.log_softmax(logits, axis=axis)
    return base


def _np(keras, x):
    """`x.numpy()` of an eager tensor (see the module's docstring)."""
    return keras.ops.convert_to_numpy(x)


class _FakeCartPole:
    """(gym's CartPole-v0: a deterministic stand-in, 4 observations and 2 actions, a reward
    of 1 a step, done when the pole leans past 0.2 or after `length` steps)"""

    def __init__(self, length, seed):
        self.rng = np.random.default_rng(seed)
        self.length = length

    def reset(self):
        self.t = 0
        self.state = self.rng.uniform(-0.05, 0.05, 4).astype("float32")
        return self.state

    def step(self, action):
        self.t += 1
        x, v, th, w = (float(s) for s in self.state)
        force = 1.0 if int(action) == 1 else -1.0
        self.state = np.array(
            [x + 0.1 * v, v + 0.1 * force, th + 0.1 * w, w - 0.15 * force + 0.3 * th], "float32"
        )
        done = self.t >= self.length or abs(self.state[2]) > 0.2
        return self.state, 1.0, done, {}


# ---- rl/actor_critic_cartpole.py (a two-output model under one tape for a whole episode) -


@tf_scenario
def actor_critic_cartpole(keras):
    tf = _tf(keras)
    layers = keras.layers
    draws = np.random.RandomState(42)  # (in place of np.random)

    # Configuration parameters for the whole setup
    seed = 42
    gamma = 0.99  # Discount factor for past rewards
    max_steps_per_episode = 8  # (10000)
    env = _FakeCartPole(length=6, seed=seed)  # (gym.make("CartPole-v0"), env.seed(seed))
    eps = np.finfo(np.float32).eps.item()  # Smallest number such that 1.0 + eps != 1.0

    num_inputs = 4
    num_actions = 2
    num_hidden = 8  # (128)

    inputs = layers.Input(shape=(num_inputs,))
    common = layers.Dense(num_hidden, activation="relu")(inputs)
    action = layers.Dense(num_actions, activation="softmax")(common)
    critic = layers.Dense(1)(common)

    model = keras.Model(inputs=inputs, outputs=[action, critic])
    _init(model, seed=1)
    result = {"summary": _summary(model)}

    optimizer = keras.optimizers.Adam(learning_rate=0.01)
    huber_loss = keras.losses.Huber()
    action_probs_history = []
    critic_value_history = []
    rewards_history = []
    running_reward = 0
    episode_count = 0
    result.update(losses=[], running_rewards=[], actions=[])

    while True:  # Run until solved
        state = env.reset()
        episode_reward = 0
        with tf.GradientTape() as tape:
            for timestep in range(1, max_steps_per_episode):
                state = tf.convert_to_tensor(state)
                state = tf.expand_dims(state, 0)

                # Predict action probabilities and estimated future rewards
                # from environment state
                action_probs, critic_value = model(state)
                critic_value_history.append(critic_value[0, 0])

                # Sample action from action probability distribution
                action = draws.choice(num_actions, p=np.squeeze(action_probs))
                action_probs_history.append(tf.math.log(action_probs[0, action]))
                result["actions"].append(int(action))

                # Apply the sampled action in our environment
                state, reward, done, _ = env.step(action)
                rewards_history.append(reward)
                episode_reward += reward

                if done:
                    break

            # Update running reward to check condition for solving
            running_reward = 0.05 * episode_reward + (1 - 0.05) * running_reward

            # Calculate expected value from rewards
            returns = []
            discounted_sum = 0
            for r in rewards_history[::-1]:
                discounted_sum = r + gamma * discounted_sum
                returns.insert(0, discounted_sum)

            # Normalize
            returns = np.array(returns)
            returns = (returns - np.mean(returns)) / (np.std(returns) + eps)
            returns = returns.tolist()

            # Calculating loss values to update our network
            history = zip(action_probs_history, critic_value_history, returns)
            actor_losses = []
            critic_losses = []
            for log_prob, value, ret in history:
                diff = ret - value
                actor_losses.append(-log_prob * diff)  # actor loss
                critic_losses.append(huber_loss(tf.expand_dims(value, 0), tf.expand_dims(ret, 0)))

            # Backpropagation
            loss_value = sum(actor_losses) + sum(critic_losses)
            grads = tape.gradient(loss_value, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))

            # Clear the loss and reward history
            action_probs_history.clear()
            critic_value_history.clear()
            rewards_history.clear()
        result["losses"].append(float(loss_value))
        result["running_rewards"].append(float(running_reward))
        result.setdefault("actor_losses", []).append([float(v) for v in actor_losses])
        result.setdefault("critic_losses", []).append([float(v) for v in critic_losses])
        result.setdefault("returns", []).append(_f(returns))

        # Log details
        episode_count += 1
        if episode_count >= 3:  # (running_reward > 195: three episodes)
            break
    probs, values = model(np.linspace(-0.1, 0.1, 8, dtype="float32").reshape(2, 4))
    result["probs"] = _f(probs)
    result["values"] = _f(values)
    return result


# ---- rl/deep_q_network_breakout.py (epsilon-greedy, a target network, masked Q-values) --


class _FakeBreakout:
    """(baselines' wrapped BreakoutNoFrameskip-v4: a deterministic stand-in of stacked
    12x12 frames in [0, 1], 4 actions, done after `length` steps)"""

    def __init__(self, length, seed):
        self.rng = np.random.default_rng(seed)
        self.length = length

    def reset(self):
        self.t = 0
        self.frames = self.rng.uniform(0, 1, (12, 12, 4)).astype("float32")
        return self.frames

    def step(self, action):
        self.t += 1
        frame = np.roll(self.frames[:, :, -1], int(action) + 1, axis=1) * 0.9
        self.frames = np.concatenate([self.frames[:, :, 1:], frame[:, :, None]], axis=-1)
        reward = float(int(action) % 2)
        return self.frames, reward, self.t >= self.length, {}


@tf_scenario
def deep_q_network_breakout(keras):
    tf = _tf(keras)
    layers = keras.layers
    draws = np.random.RandomState(7)  # (in place of np.random)

    # Configuration paramaters for the whole setup
    seed = 42
    gamma = 0.99  # Discount factor for past rewards
    epsilon = 1.0  # Epsilon greedy parameter
    epsilon_min = 0.1  # Minimum epsilon greedy parameter
    epsilon_max = 1.0  # Maximum epsilon greedy parameter
    epsilon_interval = epsilon_max - epsilon_min
    batch_size = 4  # Size of batch taken from replay buffer (32)
    max_steps_per_episode = 20  # (10000)

    env = _FakeBreakout(length=12, seed=seed)  # (make_atari / wrap_deepmind)

    num_actions = 4

    def create_q_model():
        # Network defined by the Deepmind paper
        inputs = layers.Input(shape=(12, 12, 4))  # ((84, 84, 4))

        # Convolutions on the frames on the screen
        layer1 = layers.Conv2D(4, 4, strides=2, activation="relu")(inputs)  # (32, 8, 4)
        layer2 = layers.Conv2D(4, 3, strides=2, activation="relu")(layer1)  # (64, 4, 2)
        layer3 = layers.Conv2D(4, 2, strides=1, activation="relu")(layer2)  # (64, 3, 1)

        layer4 = layers.Flatten()(layer3)

        layer5 = layers.Dense(8, activation="relu")(layer4)  # (512)
        action = layers.Dense(num_actions, activation="linear")(layer5)

        return keras.Model(inputs=inputs, outputs=action)

    model = create_q_model()
    model_target = create_q_model()
    _init(model, seed=3)
    _init(model_target, seed=4)
    result = {"summary": _summary(model)}

    optimizer = keras.optimizers.Adam(learning_rate=0.00025, clipnorm=1.0)

    # Experience replay buffers
    action_history = []
    state_history = []
    state_next_history = []
    rewards_history = []
    done_history = []
    episode_reward_history = []
    running_reward = 0
    episode_count = 0
    frame_count = 0
    epsilon_random_frames = 8  # (50000)
    epsilon_greedy_frames = 20.0  # (1000000.0)
    max_memory_length = 10  # (100000)
    update_after_actions = 2  # (4)
    update_target_network = 10  # (10000)
    loss_function = keras.losses.Huber()
    result.update(losses=[], actions=[], running_rewards=[])

    while True:  # Run until solved
        state = np.array(env.reset())
        episode_reward = 0

        for timestep in range(1, max_steps_per_episode):
            frame_count += 1

            # Use epsilon-greedy for exploration
            if frame_count < epsilon_random_frames or epsilon > draws.rand(1)[0]:
                # Take random action
                action = draws.choice(num_actions)
            else:
                # Predict action Q-values
                # From environment state
                state_tensor = tf.convert_to_tensor(state)
                state_tensor = tf.expand_dims(state_tensor, 0)
                action_probs = model(state_tensor, training=False)
                # Take best action
                action = _np(keras, tf.argmax(action_probs[0]))  # (.numpy())
            result["actions"].append(int(action))

            # Decay probability of taking random action
            epsilon -= epsilon_interval / epsilon_greedy_frames
            epsilon = max(epsilon, epsilon_min)

            # Apply the sampled action in our environment
            state_next, reward, done, _ = env.step(action)
            state_next = np.array(state_next)

            episode_reward += reward

            # Save actions and states in replay buffer
            action_history.append(action)
            state_history.append(state)
            state_next_history.append(state_next)
            done_history.append(done)
            rewards_history.append(reward)
            state = state_next

            # Update every fourth frame and once batch size is over 32
            if frame_count % update_after_actions == 0 and len(done_history) > batch_size:
                # Get indices of samples for replay buffers
                indices = draws.choice(range(len(done_history)), size=batch_size)

                # Using list comprehension to sample from replay buffer
                state_sample = np.array([state_history[i] for i in indices])
                state_next_sample = np.array([state_next_history[i] for i in indices])
                rewards_sample = [rewards_history[i] for i in indices]
                action_sample = [action_history[i] for i in indices]
                done_sample = tf.convert_to_tensor([float(done_history[i]) for i in indices])

                # Build the updated Q-values for the sampled future states
                # Use the target model for stability
                future_rewards = model_target.predict(state_next_sample, verbose=0)  # (verbose)
                # Q value = reward + discount factor * expected future reward
                updated_q_values = rewards_sample + gamma * tf.reduce_max(future_rewards, axis=1)

                # If final frame set the last value to -1
                updated_q_values = updated_q_values * (1 - done_sample) - done_sample

                # Create a mask so we only calculate loss on the updated Q-values
                masks = tf.one_hot(action_sample, num_actions)

                with tf.GradientTape() as tape:
                    # Train the model on the states and updated Q-values
                    q_values = model(state_sample)

                    # Apply the masks to the Q-values to get the Q-value for action taken
                    q_action = tf.reduce_sum(tf.multiply(q_values, masks), axis=1)
                    # Calculate loss between new Q-value and old Q-value
                    loss = loss_function(updated_q_values, q_action)

                # Backpropagation
                grads = tape.gradient(loss, model.trainable_variables)
                optimizer.apply_gradients(zip(grads, model.trainable_variables))
                result["losses"].append(float(loss))

            if frame_count % update_target_network == 0:
                # update the the target network with new weights
                model_target.set_weights(model.get_weights())

            # Limit the state and reward history
            if len(rewards_history) > max_memory_length:
                del rewards_history[:1]
                del state_history[:1]
                del state_next_history[:1]
                del action_history[:1]
                del done_history[:1]

            if done:
                break

        # Update running reward to check condition for solving
        episode_reward_history.append(episode_reward)
        if len(episode_reward_history) > 100:
            del episode_reward_history[:1]
        running_reward = np.mean(episode_reward_history)
        result["running_rewards"].append(float(running_reward))

        episode_count += 1

        if episode_count >= 2:  # (running_reward > 40: two episodes)
            break
    probe = np.linspace(0, 1, 2 * 12 * 12 * 4, dtype="float32").reshape(2, 12, 12, 4)
    result["q"] = _f(model.predict(probe, verbose=0))
    result["q_target"] = _f(model_target.predict(probe, verbose=0))
    return result


# ---- rl/ddpg_pendulum.py (actor / critic and their targets, tf.function updates) --------


class _FakePendulum:
    """(gym's Pendulum: a deterministic stand-in, observations (cos, sin, angular speed),
    one action in [-2, 2], done after `length` steps)"""

    def __init__(self, length, seed):
        self.rng = np.random.default_rng(seed)
        self.length = length

    def reset(self):
        self.t = 0
        self.th, self.thdot = self.rng.uniform(-np.pi, np.pi), self.rng.uniform(-1, 1)
        return self._obs()

    def _obs(self):
        return np.array([np.cos(self.th), np.sin(self.th), self.thdot], "float32")

    def step(self, action):
        self.t += 1
        u = float(np.clip(np.asarray(action, "float64").reshape(-1)[0], -2.0, 2.0))
        reward = -(self.th**2 + 0.1 * self.thdot**2 + 0.001 * u**2)
        self.thdot = float(np.clip(self.thdot + (3 * np.sin(self.th) + 3.0 * u) * 0.05, -8, 8))
        self.th = self.th + self.thdot * 0.05
        return self._obs(), reward, self.t >= self.length, {}


@tf_scenario
def ddpg_pendulum(keras):
    tf = _tf(keras)
    layers = keras.layers
    draws = np.random.RandomState(3)  # (in place of np.random)

    env = _FakePendulum(length=5, seed=0)  # (gym.make("Pendulum-v0"))
    num_states = 3
    num_actions = 1
    upper_bound = 2.0
    lower_bound = -2.0

    class OUActionNoise:
        def __init__(self, mean, std_deviation, theta=0.15, dt=1e-2, x_initial=None):
            self.theta = theta
            self.mean = mean
            self.std_dev = std_deviation
            self.dt = dt
            self.x_initial = x_initial
            self.reset()

        def __call__(self):
            x = (
                self.x_prev
                + self.theta * (self.mean - self.x_prev) * self.dt
                + self.std_dev * np.sqrt(self.dt) * draws.normal(size=self.mean.shape)
            )
            self.x_prev = x
            return x

        def reset(self):
            if self.x_initial is not None:
                self.x_prev = self.x_initial
            else:
                self.x_prev = np.zeros_like(self.mean)

    class Buffer:
        def __init__(self, buffer_capacity=100000, batch_size=64):
            self.buffer_capacity = buffer_capacity
            self.batch_size = batch_size
            self.buffer_counter = 0
            self.state_buffer = np.zeros((self.buffer_capacity, num_states))
            self.action_buffer = np.zeros((self.buffer_capacity, num_actions))
            self.reward_buffer = np.zeros((self.buffer_capacity, 1))
            self.next_state_buffer = np.zeros((self.buffer_capacity, num_states))

        def record(self, obs_tuple):
            index = self.buffer_counter % self.buffer_capacity
            self.state_buffer[index] = obs_tuple[0]
            self.action_buffer[index] = obs_tuple[1]
            self.reward_buffer[index] = obs_tuple[2]
            self.next_state_buffer[index] = obs_tuple[3]
            self.buffer_counter += 1

        @tf.function
        def update(self, state_batch, action_batch, reward_batch, next_state_batch):
            with tf.GradientTape() as tape:
                target_actions = target_actor(next_state_batch, training=True)
                y = reward_batch + gamma * target_critic(
                    [next_state_batch, target_actions], training=True
                )
                critic_value = critic_model([state_batch, action_batch], training=True)
                critic_loss = tf.math.reduce_mean(tf.math.square(y - critic_value))

            critic_grad = tape.gradient(critic_loss, critic_model.trainable_variables)
            critic_optimizer.apply_gradients(zip(critic_grad, critic_model.trainable_variables))

            with tf.GradientTape() as tape:
                actions = actor_model(state_batch, training=True)
                critic_value = critic_model([state_batch, actions], training=True)
                actor_loss = -tf.math.reduce_mean(critic_value)

            actor_grad = tape.gradient(actor_loss, actor_model.trainable_variables)
            actor_optimizer.apply_gradients(zip(actor_grad, actor_model.trainable_variables))
            return critic_loss, actor_loss  # (added: the losses, for the goldens)

        def learn(self):
            record_range = min(self.buffer_counter, self.buffer_capacity)
            batch_indices = draws.choice(record_range, self.batch_size)

            state_batch = tf.convert_to_tensor(self.state_buffer[batch_indices])
            action_batch = tf.convert_to_tensor(self.action_buffer[batch_indices])
            reward_batch = tf.convert_to_tensor(self.reward_buffer[batch_indices])
            reward_batch = tf.cast(reward_batch, dtype=tf.float32)
            next_state_batch = tf.convert_to_tensor(self.next_state_buffer[batch_indices])

            return self.update(state_batch, action_batch, reward_batch, next_state_batch)

    # (the Keras 3 version's: Keras 3 variables given to a tf.function are tensors there,
    # without `assign`)
    def update_target(target, original, tau):
        target_weights = target.get_weights()
        original_weights = original.get_weights()

        for i in range(len(target_weights)):
            target_weights[i] = original_weights[i] * tau + target_weights[i] * (1 - tau)

        target.set_weights(target_weights)

    def get_actor():
        # Initialize weights between -3e-3 and 3-e3
        last_init = keras.initializers.RandomUniform(minval=-0.003, maxval=0.003)

        inputs = layers.Input(shape=(num_states,))
        out = layers.Dense(8, activation="relu")(inputs)  # (256)
        out = layers.Dense(8, activation="relu")(out)  # (256)
        outputs = layers.Dense(1, activation="tanh", kernel_initializer=last_init)(out)

        # Our upper bound is 2.0 for Pendulum.
        outputs = outputs * upper_bound
        model = keras.Model(inputs, outputs)
        return model

    def get_critic():
        # State as input
        state_input = layers.Input(shape=(num_states,))
        state_out = layers.Dense(4, activation="relu")(state_input)  # (16)
        state_out = layers.Dense(6, activation="relu")(state_out)  # (32)

        # Action as input
        action_input = layers.Input(shape=(num_actions,))
        action_out = layers.Dense(6, activation="relu")(action_input)  # (32)

        # Both are passed through seperate layer before concatenating
        concat = layers.Concatenate()([state_out, action_out])

        out = layers.Dense(8, activation="relu")(concat)  # (256)
        out = layers.Dense(8, activation="relu")(out)  # (256)
        outputs = layers.Dense(1)(out)

        # Outputs single value for give state-action
        model = keras.Model([state_input, action_input], outputs)

        return model

    def policy(state, noise_object):
        sampled_actions = tf.squeeze(actor_model(state))
        noise = noise_object()
        # Adding noise to action
        sampled_actions = _np(keras, sampled_actions) + noise  # (.numpy())

        # We make sure action is within bounds
        legal_action = np.clip(sampled_actions, lower_bound, upper_bound)

        return [np.squeeze(legal_action)]

    std_dev = 0.2
    ou_noise = OUActionNoise(mean=np.zeros(1), std_deviation=float(std_dev) * np.ones(1))

    actor_model = get_actor()
    critic_model = get_critic()

    target_actor = get_actor()
    target_critic = get_critic()
    _init(actor_model, seed=5)
    _init(critic_model, seed=6)
    result = {"actor": _summary(actor_model), "critic": _summary(critic_model)}

    # Making the weights equal initially
    target_actor.set_weights(actor_model.get_weights())
    target_critic.set_weights(critic_model.get_weights())

    critic_lr = 0.002
    actor_lr = 0.001

    critic_optimizer = keras.optimizers.Adam(critic_lr)
    actor_optimizer = keras.optimizers.Adam(actor_lr)

    total_episodes = 2  # (100)
    gamma = 0.99
    tau = 0.005

    buffer = Buffer(50, 4)  # (50000, 64)

    ep_reward_list = []
    avg_reward_list = []
    result.update(critic_losses=[], actor_losses=[], actions=[])

    for ep in range(total_episodes):
        prev_state = env.reset()
        episodic_reward = 0

        while True:
            tf_prev_state = tf.expand_dims(tf.convert_to_tensor(prev_state), 0)

            action = policy(tf_prev_state, ou_noise)
            result["actions"].append(float(action[0]))
            # Recieve state and reward from environment.
            state, reward, done, info = env.step(action)

            buffer.record((prev_state, action, reward, state))
            episodic_reward += reward

            critic_loss, actor_loss = buffer.learn()
            result["critic_losses"].append(float(critic_loss))
            result["actor_losses"].append(float(actor_loss))
            update_target(target_actor, actor_model, tau)
            update_target(target_critic, critic_model, tau)

            if done:
                break

            prev_state = state

        ep_reward_list.append(episodic_reward)
        avg_reward = np.mean(ep_reward_list[-40:])
        avg_reward_list.append(avg_reward)
    result["avg_rewards"] = _f(avg_reward_list)
    probe = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, -0.5]], "float32")
    result["actor_out"] = _f(actor_model(probe))
    result["target_actor_out"] = _f(target_actor(probe))
    result["target_critic_out"] = _f(target_critic([probe, np.array([[0.5], [-1.0]], "float32")]))
    return result


# ---- rl/ppo_cartpole.py (PPO-clip: log-probabilities, a KL early stop, a squeezed critic) -


@tf_scenario
def ppo_cartpole(keras):
    import scipy.signal

    tf = _tf(keras)
    layers, ops = keras.layers, keras.ops
    draws = np.random.RandomState(11)  # (in place of tf.random.categorical's draws)

    def discounted_cumulative_sums(x, discount):
        return scipy.signal.lfilter([1], [1, float(-discount)], x[::-1], axis=0)[::-1]

    class Buffer:
        def __init__(self, observation_dimensions, size, gamma=0.99, lam=0.95):
            self.observation_buffer = np.zeros((size, observation_dimensions), dtype=np.float32)
            self.action_buffer = np.zeros(size, dtype=np.int32)
            self.advantage_buffer = np.zeros(size, dtype=np.float32)
            self.reward_buffer = np.zeros(size, dtype=np.float32)
            self.return_buffer = np.zeros(size, dtype=np.float32)
            self.value_buffer = np.zeros(size, dtype=np.float32)
            self.logprobability_buffer = np.zeros(size, dtype=np.float32)
            self.gamma, self.lam = gamma, lam
            self.pointer, self.trajectory_start_index = 0, 0

        def store(self, observation, action, reward, value, logprobability):
            self.observation_buffer[self.pointer] = observation
            # (`= action` etc.: one-element tensors into scalar slots, which NumPy >= 1.25
            # deprecates; their single item here)
            self.action_buffer[self.pointer] = np.asarray(action).item()
            self.reward_buffer[self.pointer] = reward
            self.value_buffer[self.pointer] = np.asarray(value).item()
            self.logprobability_buffer[self.pointer] = np.asarray(logprobability).item()
            self.pointer += 1

        def finish_trajectory(self, last_value=0):
            path_slice = slice(self.trajectory_start_index, self.pointer)
            rewards = np.append(self.reward_buffer[path_slice], last_value)
            values = np.append(self.value_buffer[path_slice], last_value)

            deltas = rewards[:-1] + self.gamma * values[1:] - values[:-1]

            self.advantage_buffer[path_slice] = discounted_cumulative_sums(
                deltas, self.gamma * self.lam
            )
            self.return_buffer[path_slice] = discounted_cumulative_sums(rewards, self.gamma)[:-1]

            self.trajectory_start_index = self.pointer

        def get(self):
            self.pointer, self.trajectory_start_index = 0, 0
            advantage_mean, advantage_std = (
                np.mean(self.advantage_buffer),
                np.std(self.advantage_buffer),
            )
            self.advantage_buffer = (self.advantage_buffer - advantage_mean) / advantage_std
            return (
                self.observation_buffer,
                self.action_buffer,
                self.advantage_buffer,
                self.return_buffer,
                self.logprobability_buffer,
            )

    def mlp(x, sizes, activation=tf.tanh, output_activation=None):
        for size in sizes[:-1]:
            x = layers.Dense(units=size, activation=activation)(x)
        return layers.Dense(units=sizes[-1], activation=output_activation)(x)

    def logprobabilities(logits, a):
        logprobabilities_all = tf.nn.log_softmax(logits)
        logprobability = tf.reduce_sum(tf.one_hot(a, num_actions) * logprobabilities_all, axis=1)
        return logprobability

    def sample_action(observation):
        logits = actor(observation)
        # (tf.squeeze(tf.random.categorical(logits, 1), axis=1): a NumPy draw)
        probs = _np(keras, ops.softmax(logits))[0].astype("float64")
        action = np.array([draws.choice(num_actions, p=probs / probs.sum())], "int64")
        return logits, action

    @tf.function
    def train_policy(observation_buffer, action_buffer, logprobability_buffer, advantage_buffer):
        with tf.GradientTape() as tape:
            ratio = tf.exp(
                logprobabilities(actor(observation_buffer), action_buffer) - logprobability_buffer
            )
            min_advantage = tf.where(
                advantage_buffer > 0,
                (1 + clip_ratio) * advantage_buffer,
                (1 - clip_ratio) * advantage_buffer,
            )

            policy_loss = -tf.reduce_mean(tf.minimum(ratio * advantage_buffer, min_advantage))
        policy_grads = tape.gradient(policy_loss, actor.trainable_variables)
        policy_optimizer.apply_gradients(zip(policy_grads, actor.trainable_variables))

        kl = tf.reduce_mean(
            logprobability_buffer - logprobabilities(actor(observation_buffer), action_buffer)
        )
        kl = tf.reduce_sum(kl)
        return kl

    @tf.function
    def train_value_function(observation_buffer, return_buffer):
        with tf.GradientTape() as tape:
            value_loss = tf.reduce_mean((return_buffer - critic(observation_buffer)) ** 2)
        value_grads = tape.gradient(value_loss, critic.trainable_variables)
        value_optimizer.apply_gradients(zip(value_grads, critic.trainable_variables))
        return value_loss  # (added: the loss, for the goldens)

    steps_per_epoch = 12  # (4000)
    epochs = 2  # (30)
    gamma = 0.99
    clip_ratio = 0.2
    policy_learning_rate = 3e-2  # (3e-4: larger, to move in few steps)
    value_function_learning_rate = 1e-2  # (1e-3)
    train_policy_iterations = 3  # (80)
    train_value_iterations = 3  # (80)
    lam = 0.97
    target_kl = 0.01
    hidden_sizes = (8, 8)  # ((64, 64))

    env = _FakeCartPole(length=5, seed=1)  # (gym.make("CartPole-v0"))
    observation_dimensions = 4
    num_actions = 2

    buffer = Buffer(observation_dimensions, steps_per_epoch)

    observation_input = keras.Input(shape=(observation_dimensions,), dtype="float32")
    logits = mlp(observation_input, list(hidden_sizes) + [num_actions], tf.tanh, None)
    actor = keras.Model(inputs=observation_input, outputs=logits)
    # (Keras 3: keras.ops.squeeze on the symbolic output, for tf.squeeze)
    value = ops.squeeze(mlp(observation_input, list(hidden_sizes) + [1], tf.tanh, None), axis=1)
    critic = keras.Model(inputs=observation_input, outputs=value)
    _init(actor, seed=7)
    _init(critic, seed=8)
    result = {"critic": _summary(critic)}

    policy_optimizer = keras.optimizers.Adam(learning_rate=policy_learning_rate)
    value_optimizer = keras.optimizers.Adam(learning_rate=value_function_learning_rate)

    observation, episode_return, episode_length = env.reset(), 0, 0
    result.update(kls=[], value_losses=[], mean_returns=[], actions=[])

    for epoch in range(epochs):
        sum_return = 0
        sum_length = 0
        num_episodes = 0

        for t in range(steps_per_epoch):
            observation = observation.reshape(1, -1)
            logits, action = sample_action(observation)
            observation_new, reward, done, _ = env.step(action[0])  # (action[0].numpy())
            result["actions"].append(int(action[0]))
            episode_return += reward
            episode_length += 1

            value_t = critic(observation)
            logprobability_t = logprobabilities(logits, action)

            buffer.store(observation, action, reward, value_t, logprobability_t)

            observation = observation_new

            terminal = done
            if terminal or (t == steps_per_epoch - 1):
                last_value = 0 if done else critic(observation.reshape(1, -1))
                buffer.finish_trajectory(last_value)
                sum_return += episode_return
                sum_length += episode_length
                num_episodes += 1
                observation, episode_return, episode_length = env.reset(), 0, 0

        (
            observation_buffer,
            action_buffer,
            advantage_buffer,
            return_buffer,
            logprobability_buffer,
        ) = buffer.get()

        for _ in range(train_policy_iterations):
            kl = train_policy(
                observation_buffer, action_buffer, logprobability_buffer, advantage_buffer
            )
            result["kls"].append(float(kl))
            if kl > 1.5 * target_kl:
                # Early Stopping
                break

        for _ in range(train_value_iterations):
            result["value_losses"].append(
                float(train_value_function(observation_buffer, return_buffer))
            )
        result["mean_returns"].append(sum_return / num_episodes)
    probe = np.linspace(-0.1, 0.1, 8, dtype="float32").reshape(2, 4)
    result["logits"] = _f(actor(probe))
    result["values"] = _f(critic(probe))
    return result


# ---- vision/captcha_ocr.py (a CTC endpoint layer, StringLookup both ways, ctc_decode) ----


def _text(keras, chars):
    """`tf.strings.reduce_join(chars).numpy().decode("utf-8")`: the strings joined."""
    chars = keras.ops.convert_to_numpy(chars) if not isinstance(chars, np.ndarray) else chars
    return "".join(c.decode("utf-8") if isinstance(c, bytes) else str(c) for c in chars.tolist())


@tf_scenario
def captcha_ocr(keras):
    tf = _tf(keras)
    layers, ops = keras.layers, keras.ops
    draws = np.random.RandomState(5)  # (in place of np.random)

    # (captcha_images_v2: 1040 PNGs named by their 5-character text; 24 synthetic ones of
    # 3 characters, drawn from 6, whose pixels depend on the characters)
    characters = sorted(set("2b3c4d"))
    text_rng = np.random.default_rng(9)
    labels = ["".join(text_rng.choice(characters, 3)) for _ in range(24)]
    images = []  # (the decoded, resized, transposed images: (img_width, img_height, 1))
    for label in labels:
        img = text_rng.uniform(0, 0.2, (16, 8, 1))
        for k, ch in enumerate(label):
            img[k * 5 : k * 5 + 4, 1 + characters.index(ch), 0] += 0.8
        images.append(img.astype("float32"))
    images = np.stack(images)

    # Batch size for training and validation
    batch_size = 4  # (16)

    # Desired image dimensions
    img_width = 16  # (200)
    img_height = 8  # (50)
    downsample_factor = 4

    # Maximum length of any captcha in the dataset
    max_length = max([len(label) for label in labels])

    # Mapping characters to integers
    char_to_num = layers.StringLookup(vocabulary=list(characters), mask_token=None)

    # Mapping integers back to original characters
    num_to_char = layers.StringLookup(
        vocabulary=char_to_num.get_vocabulary(), mask_token=None, invert=True
    )
    result = {"vocabulary": [str(v) for v in char_to_num.get_vocabulary()]}

    def split_data(images, labels, train_size=0.9, shuffle=True):
        size = len(images)
        indices = np.arange(size)
        if shuffle:
            draws.shuffle(indices)
        train_samples = int(size * train_size)
        x_train, y_train = images[indices[:train_samples]], labels[indices[:train_samples]]
        x_valid, y_valid = images[indices[train_samples:]], labels[indices[train_samples:]]
        return x_train, x_valid, y_train, y_valid

    x_train, x_valid, y_train, y_valid = split_data(images, np.array(labels), train_size=0.75)

    def encode_single_sample(img, label):
        # (the image already decoded; 6. Map the characters in label to numbers, the
        # label split into characters: tf.strings.unicode_split)
        label = char_to_num(np.array(list(label)))
        # 7. Return a dict as our model is expecting two inputs
        return {"image": img, "label": label}

    def dataset(x, y):  # (tf.data's map and batch: the encoded samples stacked)
        samples = [encode_single_sample(img, label) for img, label in zip(x, y)]
        return {
            "image": np.stack([s["image"] for s in samples]),
            "label": np.stack([ops.convert_to_numpy(s["label"]) for s in samples]),
        }

    train_dataset = dataset(x_train, y_train)
    validation_dataset = dataset(x_valid, y_valid)
    result["label_dtype"] = str(train_dataset["label"].dtype)
    result["first_labels"] = train_dataset["label"][:3].tolist()

    # (Keras 3: the example's ctc_batch_cost of TensorFlow's ctc_loss, the blank the last
    # class, on log(y_pred + epsilon); here keras.ops.ctc_loss with the same blank)
    def ctc_batch_cost(y_true, y_pred, input_length, label_length):
        label_length = ops.cast(ops.squeeze(label_length, axis=-1), dtype="int32")
        input_length = ops.cast(ops.squeeze(input_length, axis=-1), dtype="int32")
        y_pred = ops.log(y_pred + keras.backend.epsilon())
        loss = ops.ctc_loss(
            ops.cast(y_true, "int32"),
            y_pred,
            label_length,
            input_length,
            mask_index=ops.shape(y_pred)[-1] - 1,
        )
        return ops.expand_dims(loss, 1)

    class CTCLayer(layers.Layer):
        def __init__(self, name=None):
            super().__init__(name=name)
            self.loss_fn = ctc_batch_cost

        def call(self, y_true, y_pred):
            batch_len = ops.cast(ops.shape(y_true)[0], dtype="int64")
            input_length = ops.cast(ops.shape(y_pred)[1], dtype="int64")
            label_length = ops.cast(ops.shape(y_true)[1], dtype="int64")

            input_length = input_length * ops.ones(shape=(batch_len, 1), dtype="int64")
            label_length = label_length * ops.ones(shape=(batch_len, 1), dtype="int64")

            loss = self.loss_fn(y_true, y_pred, input_length, label_length)
            self.add_loss(loss)

            # At test time, just return the computed predictions
            return y_pred

    def build_model():
        # Inputs to the model
        input_img = layers.Input(shape=(img_width, img_height, 1), name="image", dtype="float32")
        labels = layers.Input(name="label", shape=(None,), dtype="float32")

        # First conv block
        x = layers.Conv2D(
            4,  # (32)
            (3, 3),
            activation="relu",
            kernel_initializer="he_normal",
            padding="same",
            name="Conv1",
        )(input_img)
        x = layers.MaxPooling2D((2, 2), name="pool1")(x)

        # Second conv block
        x = layers.Conv2D(
            4,  # (64)
            (3, 3),
            activation="relu",
            kernel_initializer="he_normal",
            padding="same",
            name="Conv2",
        )(x)
        x = layers.MaxPooling2D((2, 2), name="pool2")(x)

        new_shape = ((img_width // 4), (img_height // 4) * 4)  # (* 64)
        x = layers.Reshape(target_shape=new_shape, name="reshape")(x)
        x = layers.Dense(8, activation="relu", name="dense1")(x)  # (64)
        x = layers.Dropout(0.0)(x)  # (0.2)

        # RNNs
        x = layers.Bidirectional(layers.LSTM(6, return_sequences=True, dropout=0.0))(x)
        x = layers.Bidirectional(layers.LSTM(4, return_sequences=True, dropout=0.0))(x)
        # ((128, dropout=0.25), (64, dropout=0.25))

        # Output layer
        x = layers.Dense(
            len(char_to_num.get_vocabulary()) + 1, activation="softmax", name="dense2"
        )(x)

        # Add CTC layer for calculating CTC loss at each step
        output = CTCLayer(name="ctc_loss")(labels, x)

        # Define the model
        model = keras.models.Model(inputs=[input_img, labels], outputs=output, name="ocr_model_v1")
        # Optimizer
        opt = keras.optimizers.Adam(learning_rate=0.01)  # (Adam(): larger, to move)
        # Compile the model and return
        model.compile(optimizer=opt)
        return model

    model = build_model()
    _init(model, seed=12)
    result["summary"] = _summary(model)

    epochs = 4  # (100)
    early_stopping_patience = 2  # (10)
    early_stopping = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=early_stopping_patience, restore_best_weights=True
    )

    history = model.fit(
        train_dataset,
        validation_data=(validation_dataset,),  # (a dataset of dicts alone)
        epochs=epochs,
        batch_size=batch_size,  # (the datasets' batches)
        shuffle=False,
        verbose=0,
        callbacks=[early_stopping],
    )
    result["history"] = _hist(history)

    # Get the prediction model by extracting layers till the output layer
    # (the Keras 3 version's `model.input[0]`: an InputLayer's `input` is `[]` in Keras 3)
    prediction_model = keras.models.Model(model.input[0], model.get_layer(name="dense2").output)
    result["prediction_summary"] = _summary(prediction_model)

    # A utility function to decode the output of the network
    def decode_batch_predictions(pred):
        input_len = np.ones(pred.shape[0]) * pred.shape[1]
        # (keras.backend.ctc_decode(pred, input_length=input_len, greedy=True)[0][0]:
        # Keras 3's ops.ctc_decode, the blank the last class)
        results = ops.ctc_decode(
            pred,
            sequence_lengths=input_len.astype("int32"),
            strategy="greedy",
            mask_index=pred.shape[-1] - 1,
        )[0][0][:, :max_length]
        output_text = []
        for res in results:
            res = _text(keras, num_to_char(res))
            output_text.append(res)
        return output_text, ops.convert_to_numpy(results)

    batch_images = validation_dataset["image"][:batch_size]
    batch_labels = validation_dataset["label"][:batch_size]
    preds = prediction_model.predict(batch_images, verbose=0)
    pred_texts, decoded = decode_batch_predictions(preds)
    orig_texts = [_text(keras, num_to_char(label)) for label in batch_labels]
    result["preds"] = _f(preds[0])
    result["decoded"] = decoded.tolist()
    result["pred_texts"] = pred_texts
    result["orig_texts"] = orig_texts
    return result


# ---- vision/reptile.py (few-shot meta-learning: get_weights / set_weights interpolation) -


@tf_scenario
def reptile(keras):
    tf = _tf(keras)
    layers = keras.layers
    chooser = random.Random(0)  # (in place of random)
    shuffler = np.random.default_rng(1)  # (in place of tf.data's shuffle)

    learning_rate = 0.03  # (0.003: larger, to move in few steps)
    meta_step_size = 0.25

    inner_batch_size = 5  # (25)
    eval_batch_size = 5  # (25)

    meta_iters = 3  # (2000)
    eval_iters = 2  # (5)
    inner_iters = 2  # (4)

    eval_interval = 1
    train_shots = 4  # (20)
    shots = 2  # (5)
    classes = 3  # (5)

    class Dataset:
        # (Omniglot through tensorflow_datasets: 16x16 grey synthetic characters, 6 classes
        # of 6 images for training, 4 of 6 for testing)
        def __init__(self, training):
            images, ys = _images(36 if training else 24, size=16, channels=1, seed=int(training))
            self.data = {}
            for image, label in zip(images.astype("float32") / 255.0, ys[:, 0] % 6):
                label = str(label)
                if label not in self.data:
                    self.data[label] = []
                self.data[label].append(image)
            self.labels = list(self.data.keys())

        def get_mini_dataset(self, batch_size, repetitions, shots, num_classes, split=False):
            temp_labels = np.zeros(shape=(num_classes * shots))
            temp_images = np.zeros(shape=(num_classes * shots, 16, 16, 1))  # (28, 28)
            if split:
                test_labels = np.zeros(shape=(num_classes))
                test_images = np.zeros(shape=(num_classes, 16, 16, 1))

            # Get a random subset of labels from the entire label set.
            label_subset = chooser.choices(self.labels, k=num_classes)
            for class_idx, class_obj in enumerate(label_subset):
                temp_labels[class_idx * shots : (class_idx + 1) * shots] = class_idx
                if split:
                    test_labels[class_idx] = class_idx
                    images_to_split = chooser.choices(
                        self.data[label_subset[class_idx]], k=shots + 1
                    )
                    test_images[class_idx] = images_to_split[-1]
                    temp_images[class_idx * shots : (class_idx + 1) * shots] = images_to_split[:-1]
                else:
                    temp_images[class_idx * shots : (class_idx + 1) * shots] = chooser.choices(
                        self.data[label_subset[class_idx]], k=shots
                    )

            # (tf.data: shuffle(100).batch(batch_size).repeat(repetitions), as NumPy batches)
            order = shuffler.permutation(len(temp_labels))
            x, y = temp_images.astype(np.float32)[order], temp_labels.astype(np.int32)[order]
            batches = [
                (x[i : i + batch_size], y[i : i + batch_size]) for i in range(0, len(y), batch_size)
            ]
            dataset = batches * repetitions
            if split:
                return dataset, test_images, test_labels
            return dataset

    train_dataset = Dataset(training=True)
    test_dataset = Dataset(training=False)

    def conv_bn(x):
        x = layers.Conv2D(filters=4, kernel_size=3, strides=2, padding="same")(x)  # (64)
        x = layers.BatchNormalization()(x)
        return layers.ReLU()(x)

    inputs = layers.Input(shape=(16, 16, 1))  # ((28, 28, 1))
    x = conv_bn(inputs)
    x = conv_bn(x)
    x = conv_bn(x)
    x = conv_bn(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(classes, activation="softmax")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile()
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    _init(model, seed=13)
    result = {"summary": _summary(model), "losses": []}

    training = []
    testing = []
    for meta_iter in range(meta_iters):
        frac_done = meta_iter / meta_iters
        cur_meta_step_size = (1 - frac_done) * meta_step_size
        # Temporarily save the weights from the model.
        old_vars = model.get_weights()
        # Get a sample from the full dataset.
        mini_dataset = train_dataset.get_mini_dataset(
            inner_batch_size, inner_iters, train_shots, classes
        )
        for images, labels in mini_dataset:
            with tf.GradientTape() as tape:
                preds = model(images)
                loss = keras.losses.sparse_categorical_crossentropy(labels, preds)
            grads = tape.gradient(loss, model.trainable_weights)
            optimizer.apply_gradients(zip(grads, model.trainable_weights))
            result["losses"].append(_f(loss))
        new_vars = model.get_weights()
        # Perform SGD for the meta step.
        for var in range(len(new_vars)):
            new_vars[var] = old_vars[var] + ((new_vars[var] - old_vars[var]) * cur_meta_step_size)
        # After the meta-learning step, reload the newly-trained weights into the model.
        model.set_weights(new_vars)
        # Evaluation loop
        if meta_iter % eval_interval == 0:
            accuracies = []
            for dataset in (train_dataset, test_dataset):
                # Sample a mini dataset from the full dataset.
                train_set, test_images, test_labels = dataset.get_mini_dataset(
                    eval_batch_size, eval_iters, shots, classes, split=True
                )
                old_vars = model.get_weights()
                # Train on the samples and get the resulting accuracies.
                for images, labels in train_set:
                    with tf.GradientTape() as tape:
                        preds = model(images)
                        loss = keras.losses.sparse_categorical_crossentropy(labels, preds)
                    grads = tape.gradient(loss, model.trainable_weights)
                    optimizer.apply_gradients(zip(grads, model.trainable_weights))
                test_preds = model.predict(test_images, verbose=0)  # (verbose)
                test_preds = _np(keras, tf.argmax(test_preds))  # (.numpy())
                num_correct = (test_preds == test_labels).sum()
                # Reset the weights after getting the evaluation accuracies.
                model.set_weights(old_vars)
                accuracies.append(num_correct / classes)
            training.append(accuracies[0])
            testing.append(accuracies[1])
    result["training"] = _f(training)
    result["testing"] = _f(testing)
    result["weights"] = [_f(np.sum(w), 5) for w in model.get_weights()]
    result["probs"] = _f(model.predict(test_dataset.data["0"][0][None], verbose=0))
    return result


# ---- vision/image_captioning.py (a frozen CNN, a Transformer encoder / decoder, masks) ---


@tf_scenario
def image_captioning(keras):
    tf = _tf(keras)
    layers = keras.layers

    # Desired image dimensions
    IMAGE_SIZE = (8, 8)  # ((299, 299))

    # Vocabulary size
    VOCAB_SIZE = 12  # (10000)

    # Fixed length allowed for any sequence
    SEQ_LENGTH = 6  # (25)

    # Dimension for the image embeddings and token embeddings
    EMBED_DIM = 8  # (512)

    # Per-layer units in the feed-forward network
    FF_DIM = 8  # (512)

    # Other training parameters
    BATCH_SIZE = 4  # (64)
    EPOCHS = 3  # (30)

    # (Flickr8k through TextVectorization: 12 synthetic images of 5 captions each, the
    # captions already vectorized: 2 is "<start>", 3 "<end>", 0 the padding)
    rng = np.random.default_rng(17)
    images, ys = _images(16, size=8, channels=3, seed=5)
    images = images.astype("float32")  # (decode_and_resize: float32 pixels in [0, 255])
    captions = np.zeros((16, 5, SEQ_LENGTH), "int64")
    for i, label in enumerate(ys[:, 0]):
        for c in range(5):
            length = int(rng.integers(1, SEQ_LENGTH - 1))
            words = (4 + (int(label) + rng.integers(0, 3, length)) % (VOCAB_SIZE - 4)).tolist()
            seq = [2, *words, 3][:SEQ_LENGTH]
            captions[i, c, : len(seq)] = seq
    train_images, train_captions = images[:12], captions[:12]
    valid_images, valid_captions = images[12:], captions[12:]

    def get_cnn_model():
        # (efficientnet.EfficientNetB0(include_top=False, weights="imagenet"): a small
        # frozen convolutional stand-in, its weights drawn below)
        image = keras.Input((*IMAGE_SIZE, 3))
        features = layers.Rescaling(1.0 / 255)(image)
        features = layers.Conv2D(EMBED_DIM, 3, strides=2, padding="same", activation="swish")(
            features
        )
        base_model = keras.Model(image, features)
        _init(base_model, seed=20)
        # We freeze our feature extractor
        base_model.trainable = False
        base_model_out = base_model.output
        base_model_out = layers.Reshape((-1, base_model_out.shape[-1]))(base_model_out)
        cnn_model = keras.models.Model(base_model.input, base_model_out)
        return cnn_model

    class TransformerEncoderBlock(layers.Layer):
        def __init__(self, embed_dim, dense_dim, num_heads, **kwargs):
            super().__init__(**kwargs)
            self.embed_dim = embed_dim
            self.dense_dim = dense_dim
            self.num_heads = num_heads
            self.attention_1 = layers.MultiHeadAttention(
                num_heads=num_heads, key_dim=embed_dim, dropout=0.0
            )
            self.layernorm_1 = layers.LayerNormalization()
            self.layernorm_2 = layers.LayerNormalization()
            self.dense_1 = layers.Dense(embed_dim, activation="relu")

        def call(self, inputs, training, mask=None):
            inputs = self.layernorm_1(inputs)
            inputs = self.dense_1(inputs)

            attention_output_1 = self.attention_1(
                query=inputs,
                value=inputs,
                key=inputs,
                attention_mask=None,
                training=training,
            )
            out_1 = self.layernorm_2(inputs + attention_output_1)
            return out_1

    class PositionalEmbedding(layers.Layer):
        def __init__(self, sequence_length, vocab_size, embed_dim, **kwargs):
            super().__init__(**kwargs)
            self.token_embeddings = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
            self.position_embeddings = layers.Embedding(
                input_dim=sequence_length, output_dim=embed_dim
            )
            self.sequence_length = sequence_length
            self.vocab_size = vocab_size
            self.embed_dim = embed_dim
            self.embed_scale = tf.math.sqrt(tf.cast(embed_dim, tf.float32))

        def call(self, inputs):
            length = tf.shape(inputs)[-1]
            positions = tf.range(start=0, limit=length, delta=1)
            embedded_tokens = self.token_embeddings(inputs)
            embedded_tokens = embedded_tokens * self.embed_scale
            embedded_positions = self.position_embeddings(positions)
            return embedded_tokens + embedded_positions

        def compute_mask(self, inputs, mask=None):
            return tf.math.not_equal(inputs, 0)

    class TransformerDecoderBlock(layers.Layer):
        def __init__(self, embed_dim, ff_dim, num_heads, **kwargs):
            super().__init__(**kwargs)
            self.embed_dim = embed_dim
            self.ff_dim = ff_dim
            self.num_heads = num_heads
            self.attention_1 = layers.MultiHeadAttention(
                num_heads=num_heads,
                key_dim=embed_dim,
                dropout=0.0,  # (0.1)
            )
            self.attention_2 = layers.MultiHeadAttention(
                num_heads=num_heads,
                key_dim=embed_dim,
                dropout=0.0,  # (0.1)
            )
            self.ffn_layer_1 = layers.Dense(ff_dim, activation="relu")
            self.ffn_layer_2 = layers.Dense(embed_dim)

            self.layernorm_1 = layers.LayerNormalization()
            self.layernorm_2 = layers.LayerNormalization()
            self.layernorm_3 = layers.LayerNormalization()

            self.embedding = PositionalEmbedding(
                embed_dim=EMBED_DIM, sequence_length=SEQ_LENGTH, vocab_size=VOCAB_SIZE
            )
            self.out = layers.Dense(VOCAB_SIZE, activation="softmax")

            self.dropout_1 = layers.Dropout(0.0)  # (0.3)
            self.dropout_2 = layers.Dropout(0.0)  # (0.5)
            self.supports_masking = True

        def call(self, inputs, encoder_outputs, training, mask=None):
            inputs = self.embedding(inputs)
            causal_mask = self.get_causal_attention_mask(inputs)

            if mask is not None:
                padding_mask = tf.cast(mask[:, :, tf.newaxis], dtype=tf.int32)
                combined_mask = tf.cast(mask[:, tf.newaxis, :], dtype=tf.int32)
                combined_mask = tf.minimum(combined_mask, causal_mask)

            attention_output_1 = self.attention_1(
                query=inputs,
                value=inputs,
                key=inputs,
                attention_mask=combined_mask,
                training=training,
            )
            out_1 = self.layernorm_1(inputs + attention_output_1)

            attention_output_2 = self.attention_2(
                query=out_1,
                value=encoder_outputs,
                key=encoder_outputs,
                attention_mask=padding_mask,
                training=training,
            )
            out_2 = self.layernorm_2(out_1 + attention_output_2)

            ffn_out = self.ffn_layer_1(out_2)
            ffn_out = self.dropout_1(ffn_out, training=training)
            ffn_out = self.ffn_layer_2(ffn_out)

            ffn_out = self.layernorm_3(ffn_out + out_2, training=training)
            ffn_out = self.dropout_2(ffn_out, training=training)
            preds = self.out(ffn_out)
            return preds

        def get_causal_attention_mask(self, inputs):
            input_shape = tf.shape(inputs)
            batch_size, sequence_length = input_shape[0], input_shape[1]
            i = tf.range(sequence_length)[:, tf.newaxis]
            j = tf.range(sequence_length)
            mask = tf.cast(i >= j, dtype="int32")
            mask = tf.reshape(mask, (1, input_shape[1], input_shape[1]))
            mult = tf.concat(
                [tf.expand_dims(batch_size, -1), tf.constant([1, 1], dtype=tf.int32)],
                axis=0,
            )
            return tf.tile(mask, mult)

    class ImageCaptioningModel(keras.Model):
        def __init__(
            self,
            cnn_model,
            encoder,
            decoder,
            num_captions_per_image=5,
            image_aug=None,
        ):
            super().__init__()
            self.cnn_model = cnn_model
            self.encoder = encoder
            self.decoder = decoder
            self.loss_tracker = keras.metrics.Mean(name="loss")
            self.acc_tracker = keras.metrics.Mean(name="accuracy")
            self.num_captions_per_image = num_captions_per_image
            self.image_aug = image_aug

        def calculate_loss(self, y_true, y_pred, mask):
            loss = self.loss(y_true, y_pred)
            mask = tf.cast(mask, dtype=loss.dtype)
            loss *= mask
            return tf.reduce_sum(loss) / tf.reduce_sum(mask)

        def calculate_accuracy(self, y_true, y_pred, mask):
            accuracy = tf.equal(y_true, tf.argmax(y_pred, axis=2))
            accuracy = tf.math.logical_and(mask, accuracy)
            accuracy = tf.cast(accuracy, dtype=tf.float32)
            mask = tf.cast(mask, dtype=tf.float32)
            return tf.reduce_sum(accuracy) / tf.reduce_sum(mask)

        def _compute_caption_loss_and_acc(self, img_embed, batch_seq, training=True):
            encoder_out = self.encoder(img_embed, training=training)
            batch_seq_inp = batch_seq[:, :-1]
            batch_seq_true = batch_seq[:, 1:]
            mask = tf.math.not_equal(batch_seq_true, 0)
            batch_seq_pred = self.decoder(batch_seq_inp, encoder_out, training=training, mask=mask)
            loss = self.calculate_loss(batch_seq_true, batch_seq_pred, mask)
            acc = self.calculate_accuracy(batch_seq_true, batch_seq_pred, mask)
            return loss, acc

        def train_step(self, batch_data):
            batch_img, batch_seq = batch_data
            batch_loss = 0
            batch_acc = 0

            if self.image_aug:
                batch_img = self.image_aug(batch_img)

            # 1. Get image embeddings
            img_embed = self.cnn_model(batch_img)

            # 2. Pass each of the five captions one by one to the decoder
            for i in range(self.num_captions_per_image):
                with tf.GradientTape() as tape:
                    loss, acc = self._compute_caption_loss_and_acc(
                        img_embed, batch_seq[:, i, :], training=True
                    )

                    # 3. Update loss and accuracy
                    batch_loss += loss
                    batch_acc += acc

                # 4. Get the list of all the trainable weights
                train_vars = self.encoder.trainable_variables + self.decoder.trainable_variables

                # 5. Get the gradients
                grads = tape.gradient(loss, train_vars)

                # 6. Update the trainable weights
                self.optimizer.apply_gradients(zip(grads, train_vars))

            # 7. Update the trackers
            batch_acc /= float(self.num_captions_per_image)
            self.loss_tracker.update_state(batch_loss)
            self.acc_tracker.update_state(batch_acc)

            # 8. Return the loss and accuracy values
            return {"loss": self.loss_tracker.result(), "acc": self.acc_tracker.result()}

        def test_step(self, batch_data):
            batch_img, batch_seq = batch_data
            batch_loss = 0
            batch_acc = 0

            # 1. Get image embeddings
            img_embed = self.cnn_model(batch_img)

            for i in range(self.num_captions_per_image):
                loss, acc = self._compute_caption_loss_and_acc(
                    img_embed, batch_seq[:, i, :], training=False
                )

                # 3. Update batch loss and batch accuracy
                batch_loss += loss
                batch_acc += acc

            batch_acc /= float(self.num_captions_per_image)

            # 4. Update the trackers
            self.loss_tracker.update_state(batch_loss)
            self.acc_tracker.update_state(batch_acc)

            # 5. Return the loss and accuracy values
            return {"loss": self.loss_tracker.result(), "acc": self.acc_tracker.result()}

        @property
        def metrics(self):
            return [self.loss_tracker, self.acc_tracker]

    cnn_model = get_cnn_model()
    encoder = TransformerEncoderBlock(embed_dim=EMBED_DIM, dense_dim=FF_DIM, num_heads=1)
    decoder = TransformerDecoderBlock(embed_dim=EMBED_DIM, ff_dim=FF_DIM, num_heads=2)
    caption_model = ImageCaptioningModel(
        cnn_model=cnn_model,
        encoder=encoder,
        decoder=decoder,
        image_aug=None,  # (image_augmentation: random flips, rotations and contrast)
    )
    # (the encoder and decoder built by a first call, their weights drawn from one RNG)
    img_embed = cnn_model(train_images[:1])
    encoded = encoder(img_embed, training=False)
    decoder(
        train_captions[:1, 0, :-1], encoded, training=False, mask=train_captions[:1, 0, 1:] != 0
    )
    _init(encoder, seed=21)
    _init(decoder, seed=22)

    # Define the loss function
    cross_entropy = keras.losses.SparseCategoricalCrossentropy(from_logits=False, reduction="none")

    # EarlyStopping criteria
    early_stopping = keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)

    # Learning Rate Scheduler for the optimizer
    class LRSchedule(keras.optimizers.schedules.LearningRateSchedule):
        def __init__(self, post_warmup_learning_rate, warmup_steps):
            super().__init__()
            self.post_warmup_learning_rate = post_warmup_learning_rate
            self.warmup_steps = warmup_steps

        def __call__(self, step):
            global_step = tf.cast(step, tf.float32)
            warmup_steps = tf.cast(self.warmup_steps, tf.float32)
            warmup_progress = global_step / warmup_steps
            warmup_learning_rate = self.post_warmup_learning_rate * warmup_progress
            return tf.cond(
                global_step < warmup_steps,
                lambda: warmup_learning_rate,
                lambda: self.post_warmup_learning_rate,
            )

    # Create a learning rate schedule
    num_train_steps = (len(train_images) // BATCH_SIZE) * EPOCHS  # (len(train_dataset))
    num_warmup_steps = num_train_steps // 3  # (// 15)
    lr_schedule = LRSchedule(post_warmup_learning_rate=1e-2, warmup_steps=num_warmup_steps)
    # ((1e-4): larger, to move in few steps)

    # Compile the model
    caption_model.compile(optimizer=keras.optimizers.Adam(lr_schedule), loss=cross_entropy)

    # Fit the model
    history = caption_model.fit(
        train_images,
        train_captions,  # (train_dataset: (image, captions) batches)
        epochs=EPOCHS,
        batch_size=BATCH_SIZE,
        shuffle=False,
        verbose=0,
        validation_data=(valid_images, valid_captions),
        callbacks=[early_stopping],
    )
    result = {"history": _hist(history)}
    result["learning_rates"] = [_f(lr_schedule(step), 7) for step in (0, 2, 5, 9)]

    max_decoded_sentence_length = SEQ_LENGTH - 1

    def generate_caption(sample_img):
        # (its image already decoded and resized; the caption as token ids, for the
        # strings TextVectorization reads and index_lookup writes)
        img = tf.expand_dims(sample_img, 0)
        img = caption_model.cnn_model(img)

        # Pass the image features to the Transformer encoder
        encoded_img = caption_model.encoder(img, training=False)

        # Generate the caption using the Transformer decoder
        decoded_caption = [2]
        for i in range(max_decoded_sentence_length):
            tokenized_caption = np.zeros((1, SEQ_LENGTH), "int64")  # (vectorization([...]))
            tokenized_caption[0, : len(decoded_caption)] = decoded_caption[:SEQ_LENGTH]
            tokenized_caption = tokenized_caption[:, :-1]
            mask = tf.math.not_equal(tokenized_caption, 0)
            predictions = caption_model.decoder(
                tokenized_caption, encoded_img, training=False, mask=mask
            )
            sampled_token_index = np.argmax(predictions[0, i, :])
            if sampled_token_index == 3:  # (" <end>")
                break
            decoded_caption.append(int(sampled_token_index))
        return decoded_caption[1:]

    result["captions"] = [generate_caption(img) for img in valid_images[:2]]
    encoded = caption_model.encoder(caption_model.cnn_model(valid_images[:2]), training=False)
    probs = caption_model.decoder(
        valid_captions[:2, 0, :-1], encoded, training=False, mask=valid_captions[:2, 0, 1:] != 0
    )
    result["probs"] = _f(probs[:, :2])
    return result


# ---- vision/token_learner.py (a ViT whose middle tokens are pooled by learned maps) ------


@tf_scenario
def token_learner(keras):
    import math
    import os
    import tempfile

    layers, ops = keras.layers, keras.ops

    # DATA
    BATCH_SIZE = 4  # (256)
    INPUT_SHAPE = (8, 8, 3)  # ((32, 32, 3))
    NUM_CLASSES = 10

    # OPTIMIZER
    LEARNING_RATE = 1e-2  # (1e-3)
    WEIGHT_DECAY = 1e-4

    # TRAINING
    EPOCHS = 2  # (20)

    # AUGMENTATION
    IMAGE_SIZE = 12  # (48) We will resize input images to this size.
    PATCH_SIZE = 3  # (6) Size of the patches to be extracted from the input images.
    NUM_PATCHES = (IMAGE_SIZE // PATCH_SIZE) ** 2

    # ViT ARCHITECTURE
    LAYER_NORM_EPS = 1e-6
    PROJECTION_DIM = 8  # (128)
    NUM_HEADS = 2  # (4)
    NUM_LAYERS = 2  # (4)
    MLP_UNITS = [
        PROJECTION_DIM * 2,
        PROJECTION_DIM,
    ]

    # TOKENLEARNER
    NUM_TOKENS = 4

    # (CIFAR-10 through keras.datasets: synthetic 8x8 images, split as the example does)
    x_all, y_all = _images(24, size=8, channels=3, seed=8)
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = (
        (x_all[:12], y_all[:12]),
        (x_all[12:18], y_all[12:18]),
        (x_all[18:], y_all[18:]),
    )

    data_augmentation = keras.Sequential(
        [
            layers.Rescaling(1 / 255.0),
            layers.Resizing(IMAGE_SIZE, IMAGE_SIZE),  # (INPUT_SHAPE[0] + 20, then random
            # crops of IMAGE_SIZE and random flips)
        ],
        name="data_augmentation",
    )

    class PatchEncoder(layers.Layer):
        def __init__(self, num_patches, projection_dim):
            super().__init__()
            self.num_patches = num_patches
            self.position_embedding = layers.Embedding(
                input_dim=num_patches, output_dim=projection_dim
            )

        def call(self, patch):
            positions = ops.expand_dims(ops.arange(start=0, stop=self.num_patches, step=1), axis=0)
            encoded = patch + self.position_embedding(positions)
            return encoded

        def get_config(self):
            config = super().get_config()
            config.update({"num_patches": self.num_patches})
            return config

    def mlp(x, dropout_rate, hidden_units):
        for units in hidden_units:
            x = layers.Dense(units, activation=ops.gelu)(x)
            x = layers.Dropout(dropout_rate)(x)
        return x

    def token_learner(inputs, number_of_tokens=NUM_TOKENS):
        # Layer normalize the inputs.
        x = layers.LayerNormalization(epsilon=LAYER_NORM_EPS)(inputs)  # (B, H, W, C)

        # Applying Conv2D => Reshape => Permute
        attention_maps = keras.Sequential(
            [
                # 3 layers of conv with gelu activation as suggested
                # in the paper.
                layers.Conv2D(
                    filters=number_of_tokens,
                    kernel_size=(3, 3),
                    activation=ops.gelu,
                    padding="same",
                    use_bias=False,
                ),
                layers.Conv2D(
                    filters=number_of_tokens,
                    kernel_size=(3, 3),
                    activation=ops.gelu,
                    padding="same",
                    use_bias=False,
                ),
                layers.Conv2D(
                    filters=number_of_tokens,
                    kernel_size=(3, 3),
                    activation=ops.gelu,
                    padding="same",
                    use_bias=False,
                ),
                # This conv layer will generate the attention maps
                layers.Conv2D(
                    filters=number_of_tokens,
                    kernel_size=(3, 3),
                    activation="sigmoid",  # Note sigmoid for [0, 1] output
                    padding="same",
                    use_bias=False,
                ),
                # Reshape and Permute
                layers.Reshape((-1, number_of_tokens)),  # (B, H*W, num_of_tokens)
                layers.Permute((2, 1)),
            ]
        )(x)  # (B, num_of_tokens, H*W)

        # Reshape the input to align it with the output of the conv block.
        num_filters = inputs.shape[-1]
        inputs = layers.Reshape((1, -1, num_filters))(inputs)  # inputs == (B, 1, H*W, C)

        # Element-Wise multiplication of the attention maps and the inputs
        attended_inputs = (
            ops.expand_dims(attention_maps, axis=-1) * inputs
        )  # (B, num_tokens, H*W, C)

        # Global average pooling the element wise multiplication result.
        outputs = ops.mean(attended_inputs, axis=2)  # (B, num_tokens, C)
        return outputs

    def transformer(encoded_patches):
        # Layer normalization 1.
        x1 = layers.LayerNormalization(epsilon=LAYER_NORM_EPS)(encoded_patches)

        # Multi Head Self Attention layer 1.
        attention_output = layers.MultiHeadAttention(
            num_heads=NUM_HEADS,
            key_dim=PROJECTION_DIM,
            dropout=0.0,  # (0.1)
        )(x1, x1)

        # Skip connection 1.
        x2 = layers.Add()([attention_output, encoded_patches])

        # Layer normalization 2.
        x3 = layers.LayerNormalization(epsilon=LAYER_NORM_EPS)(x2)

        # MLP layer 1.
        x4 = mlp(x3, hidden_units=MLP_UNITS, dropout_rate=0.0)  # (0.1)

        # Skip connection 2.
        encoded_patches = layers.Add()([x4, x2])
        return encoded_patches

    def create_vit_classifier(use_token_learner=True, token_learner_units=NUM_TOKENS):
        inputs = layers.Input(shape=INPUT_SHAPE)  # (B, H, W, C)

        # Augment data.
        augmented = data_augmentation(inputs)

        # Create patches and project the pathces.
        projected_patches = layers.Conv2D(
            filters=PROJECTION_DIM,
            kernel_size=(PATCH_SIZE, PATCH_SIZE),
            strides=(PATCH_SIZE, PATCH_SIZE),
            padding="VALID",
        )(augmented)
        _, h, w, c = projected_patches.shape
        projected_patches = layers.Reshape((h * w, c))(projected_patches)

        # Add positional embeddings to the projected patches.
        encoded_patches = PatchEncoder(num_patches=NUM_PATCHES, projection_dim=PROJECTION_DIM)(
            projected_patches
        )  # (B, number_patches, projection_dim)
        encoded_patches = layers.Dropout(0.0)(encoded_patches)  # (0.1)

        for i in range(NUM_LAYERS):
            # Add a Transformer block.
            encoded_patches = transformer(encoded_patches)

            if use_token_learner and i == NUM_LAYERS // 2:
                _, hh, c = encoded_patches.shape
                h = int(math.sqrt(hh))
                encoded_patches = layers.Reshape((h, h, c))(encoded_patches)
                encoded_patches = token_learner(encoded_patches, token_learner_units)

        # Layer normalization and Global average pooling.
        representation = layers.LayerNormalization(epsilon=LAYER_NORM_EPS)(encoded_patches)
        representation = layers.GlobalAvgPool1D()(representation)

        # Classify outputs.
        outputs = layers.Dense(NUM_CLASSES, activation="softmax")(representation)

        # Create the Keras model.
        model = keras.Model(inputs=inputs, outputs=outputs)
        return model

    tmp = tempfile.mkdtemp()
    result = {}

    def run_experiment(model):
        # Initialize the AdamW optimizer.
        optimizer = keras.optimizers.AdamW(learning_rate=LEARNING_RATE, weight_decay=WEIGHT_DECAY)

        model.compile(
            optimizer=optimizer,
            loss="sparse_categorical_crossentropy",
            metrics=[
                keras.metrics.SparseCategoricalAccuracy(name="accuracy"),
                keras.metrics.SparseTopKCategoricalAccuracy(5, name="top-5-accuracy"),
            ],
        )

        # Define callbacks
        checkpoint_filepath = os.path.join(tmp, "checkpoint.weights.h5")  # ("/tmp/...")
        checkpoint_callback = keras.callbacks.ModelCheckpoint(
            checkpoint_filepath,
            monitor="val_accuracy",
            save_best_only=True,
            save_weights_only=True,
        )

        # Train the model.
        history = model.fit(
            x_train,
            y_train,  # (train_ds: batched in order)
            batch_size=BATCH_SIZE,
            shuffle=False,
            verbose=0,
            epochs=EPOCHS,
            validation_data=(x_val, y_val),
            callbacks=[checkpoint_callback],
        )
        result["history"] = _hist(history)

        model.load_weights(checkpoint_filepath)
        _, accuracy, top_5_accuracy = model.evaluate(
            x_test, y_test, batch_size=BATCH_SIZE, verbose=0
        )
        result["test"] = _f([accuracy, top_5_accuracy])

    vit_token_learner = create_vit_classifier()
    _init(vit_token_learner, seed=30)
    result["summary"] = _summary(vit_token_learner)
    run_experiment(vit_token_learner)
    result["probs"] = _f(vit_token_learner.predict(x_test[:2], verbose=0))
    return result


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()
